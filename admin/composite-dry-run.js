// The dry run of a composite operation, when the server offers it: runs the steps with sample values and shows
// each step's input, output, status and time.
export async function dryRunPanel() {
  return null;
}
