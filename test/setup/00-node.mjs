// Checks the runtime the project supports; the other setup steps install services (Kafka jars,
// Chromium) only when missing, so a warm machine starts fast and a fresh one still works.
export async function ensure() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20)
    throw new Error(`Node ${process.versions.node} is too old; flowlens needs Node 20 or newer`);
}
