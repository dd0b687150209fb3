// Worker-thread entry: parses one config text's YAML (see yaml.ts) and posts the plain data back, so
// the service's event loop keeps answering while a large config is parsed.
import { parentPort, workerData } from 'node:worker_threads';
import { yamlToData } from './yaml.ts';

const { text, source } = workerData as { text: string; source: string };
parentPort?.postMessage(yamlToData(text, source));
