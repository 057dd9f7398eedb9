// A real Azure Blob client for the integration tests: Microsoft's @azure/storage-blob SDK
// (installed by scripts/install-azure-peers.sh; found through NODE_PATH) given nothing but a
// container URL with the SAS Latchkey issued. It knows nothing of Latchkey.
//
//   node azure_blob_client.js CONTAINER_URL_WITH_SAS OP...
//
// OP is `list`, `get:BLOB` or `put:BLOB:TEXT`. Prints one JSON line per OP:
// {"op", "ok": true, "names"|"text"} or {"op", "ok": false, "status", "code"}. An HTTPS
// endpoint signed by a private CA is trusted through NODE_EXTRA_CA_CERTS.
'use strict';

const {ContainerClient} = require('@azure/storage-blob');

async function run(client, op) {
  const [verb, name, text] = op.split(':');
  if (verb === 'list') {
    const names = [];
    for await (const blob of client.listBlobsFlat()) names.push(blob.name);
    return {op, ok: true, names};
  }
  if (verb === 'get') {
    const buffer = await client.getBlobClient(name).downloadToBuffer();
    return {op, ok: true, text: buffer.toString('utf8')};
  }
  if (verb === 'put') {
    await client.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    return {op, ok: true};
  }
  throw new Error(`unknown op ${op}`);
}

async function main() {
  const [url, ...ops] = process.argv.slice(2);
  // No retries: a refusal is the answer under test, not a transient failure.
  const client = new ContainerClient(url, undefined, {retryOptions: {maxTries: 1}});
  for (const op of ops) {
    let result;
    try {
      result = await run(client, op);
    } catch (e) {
      // Only the status and the service's error code: the message may quote the URL.
      result = {op, ok: false, status: e.statusCode || 0, code: e.code || e.name};
    }
    console.log(JSON.stringify(result));
  }
}

main().catch((e) => {
  console.error(`azure_blob_client: ${e.name}`);
  process.exit(2);
});
