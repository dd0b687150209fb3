// STS for the AWS peer (aws-peer.ts), following the STS API reference
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html and
// API_AssumeRole.html) and the AWS Query protocol (form-encoded POST, `Action` + `Version=2011-06-15`,
// XML answers in the https://sts.amazonaws.com/doc/2011-06-15/ namespace, errors as
// <ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse>).
// AssumeRoleWithWebIdentity is unsigned and carries the web identity token; AssumeRole is signed
// with the caller's temporary credentials (checked by the peer: see aws-peer.ts `caller`).
import { randomBytes, randomUUID } from 'node:crypto';

export interface StsSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly roleArn: string;
  readonly expiresAt: number;
}

export interface StsCall {
  readonly action: string;
  readonly roleArn: string;
  /** The access key that signed the call (AssumeRole), undefined for web identity. */
  readonly signedBy: string | undefined;
}

export type QueryReply = { status: number; body: string };

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function newSession(roleArn: string, ttlSeconds: number): StsSession {
  return {
    accessKeyId: 'ASIA' + randomBytes(8).toString('hex').toUpperCase(),
    secretAccessKey: randomBytes(20).toString('base64'),
    sessionToken: randomBytes(32).toString('base64'),
    roleArn,
    expiresAt: Date.now() + ttlSeconds * 1000,
  };
}

export function stsError(status: number, code: string, message: string): QueryReply {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return { status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>` };
}

/** The success answer of `action` (AssumeRole or AssumeRoleWithWebIdentity) for a new session. */
export function stsSuccess(action: string, session: StsSession, sessionName: string): QueryReply {
  const roleName = session.roleArn.slice(session.roleArn.indexOf('/') + 1);
  const account = session.roleArn.split(':')[4] ?? '';
  const creds =
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${session.sessionToken}</SessionToken><Expiration>${new Date(session.expiresAt).toISOString()}</Expiration></Credentials>`;
  const user = `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}</Arn><AssumedRoleId>AROA${randomBytes(6).toString('hex').toUpperCase()}:${sessionName}</AssumedRoleId></AssumedRoleUser>`;
  return { status: 200, body: `<${action}Response xmlns="${NS}"><${action}Result>${creds}${user}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>` };
}
