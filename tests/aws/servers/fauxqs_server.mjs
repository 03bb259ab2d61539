// Starts fauxqs (S3 + SQS emulator) for the AWS client's integration tests.
// Usage: node fauxqs_server.mjs <path to fauxqs/dist/app.js>
// Why not fauxqs's own CLI: it listens on 0.0.0.0 and caps request bodies at 11 MiB, while the
// tests must bind to loopback only and upload 50 MB objects in a single PutObject.
// Prints "PORT <n>" on stdout once listening on 127.0.0.1:<ephemeral port>; exits on SIGTERM or
// when stdin closes (so a crashed test never leaves a server behind).
import { pathToFileURL } from "node:url";

const appPath = process.argv[2];
if (!appPath) {
  console.error("usage: fauxqs_server.mjs <fauxqs/dist/app.js>");
  process.exit(2);
}
const { buildApp } = await import(pathToFileURL(appPath).href);
const app = buildApp({ logger: false });
// Same wildcard (S3 body) parser as fauxqs, with a limit large enough for the 50 MB bench object.
app.removeContentTypeParser("*");
app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 256 * 1024 * 1024 },
                         (_req, body, done) => done(null, body));
const address = await app.listen({ port: Number(process.env.FAUXQS_PORT ?? 0), host: "127.0.0.1" });
process.stdout.write(`PORT ${new URL(address).port}\n`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
