export async function buildCommand(_argv: string[]): Promise<number> {
  process.stderr.write('drydock build: not implemented yet\n');
  return 2;
}
export async function devCommand(_argv: string[]): Promise<number> {
  process.stderr.write('drydock dev: not implemented yet\n');
  return 2;
}
