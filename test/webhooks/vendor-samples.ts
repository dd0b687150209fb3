// The vendors' documented sample payloads, shaped by the tests as each test needs (repository, tag).
// Each builder cites the page its sample comes from.

/** "Payload example: image push event", https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference */
export function acrPush(host = 'myregistry.azurecr.io', repository = 'hello-world', tag: string | undefined = 'v1', action = 'push'): Record<string, unknown> {
  return {
    id: 'cb8c3971-9adc-488b-xxxx-43cbb4974ff5', timestamp: '2017-11-17T16:52:01.343145347Z', action,
    target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: 524, digest: 'sha256:xxxxd5c8786bb9e621a45ece0dbxxxx1cdc624ad20da9fe62e9d25490f33xxxx', length: 524, repository, ...(tag !== undefined && { tag }) },
    request: { id: '3cbb6949-7549-4fa1-xxxx-a6d5451dffc7', host, method: 'PUT', useragent: 'docker/17.09.0-ce go/go1.8.3 git-commit/afdb6d4 kernel/4.10.0-27-generic os/Linux arch/amd64 UpstreamClient(Docker-Client/17.09.0-ce \\(linux\\))' },
  };
}

/** "Repository Push", https://docs.redhat.com/en/documentation/red_hat_quay/3.3/html/use_red_hat_quay/repository_notifications */
export function quayPush(dockerUrl = 'quay.io/dgangaia/test', updatedTags: unknown = ['latest']): Record<string, unknown> {
  const [host, namespace, name] = dockerUrl.split('/');
  return { name: 'repository', repository: `${namespace}/${name}`, namespace, docker_url: dockerUrl, homepage: `https://${host}/repository/${namespace}/${name}`, updated_tags: updatedTags };
}

/** The `gcr` topic's message, https://cloud.google.com/artifact-registry/docs/configure-notifications */
export function gcrMessage(image = 'us-east1-docker.pkg.dev/my-project/my-repo/hello-world', tag: string | null = '1.1', action = 'INSERT'): Record<string, unknown> {
  return { action, digest: `${image}@sha256:6ec128e26cd5${'0'.repeat(52)}`, ...(tag !== null && { tag: `${image}:${tag}` }) };
}

/** A Pub/Sub push request wrapping `data`, https://cloud.google.com/pubsub/docs/push ("Receive messages") */
export function pubsubPush(data: unknown): Record<string, unknown> {
  const encoded = Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64');
  return {
    message: { attributes: { key: 'value' }, data: encoded, messageId: '2070443601311540', message_id: '2070443601311540', publishTime: '2021-02-26T19:13:55.749Z', publish_time: '2021-02-26T19:13:55.749Z' },
    subscription: 'projects/myproject/subscriptions/mysubscription',
  };
}

/** A Distribution notification as GitLab's registry sends it, https://distribution.github.io/distribution/about/notifications/ */
export function gitlabNotification(host = 'registry.gitlab.example.com', repository = 'group/project/app', tag = '2.0.0'): Record<string, unknown> {
  return {
    events: [{
      id: '320678d8-ca14-430f-8bb6-4ca139cd83f7', timestamp: '2016-03-09T14:44:26.402973972-08:00', action: 'push',
      target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: 708, digest: 'sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf', length: 708, repository, url: `https://${host}/v2/${repository}/manifests/sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf`, tag },
      request: { id: '6df24a34-0959-4923-81ca-14f09767db19', addr: '192.168.64.11:42961', host, method: 'PUT', useragent: 'curl/7.38.0' },
      actor: {}, source: { addr: 'xtf.example.com:5000', instanceID: 'a53db899-3b4b-4a62-a067-8dd013beaca4' },
    }],
  };
}
