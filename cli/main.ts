import { UsageError } from './args';
import { packageVersion } from '../lib/paths';

const HELP = `drydock: course book builder and container-lab grader

Usage:
  drydock init [<dir>]            Start a course: a sample chapter, a sample lab, package.json and CI files
  drydock build [--root DIR] [--out DIR]   Render the course book (default: this folder into site/)
  drydock dev [--root DIR] [--port N]      Serve the book with live reload
  drydock lab new <id>            Scaffold a lab folder that passes 'lab test' as written
  drydock lab test <lab-dir>      Prove the lab: the solution scores full marks, each broken variant fails what it says
  drydock grade <lab-dir> <submission> [--format terminal|json|junit] [--out FILE]
      Build a student's Dockerfile in the Docker engine and run the lab's checks.
      <submission> is a folder, a .zip or a .tar(.gz).
  drydock grade <lab-dir> --batch <dir> --out <results-dir> [-j N] [--regrade] [--roster FILE]
                [--shard I/N | --shards N] [--engine URL[#jobs=N]]... [--engines-file FILE]
      Grade a whole class: gradebook.csv, feedback, Gradescope results, summary.html, junit.xml;
      or one shard of it (a CI matrix job, a Kubernetes Indexed Job, a Slurm/AWS Batch array task),
      or the class across several engines from this machine.
  drydock gradebook merge --out DIR [--roster FILE] RESULTS...   Combine shard results into one gradebook
  drydock images <lab-dir>...     Make sure the labs' base images exist (pull, else build local stand-ins)
  drydock doctor [<lab-dir>...] [--engine URL]...   Report each engine, registry reachability and base images
  drydock classroom <lab-dir> [--out REPO]  Write a GitHub Classroom autograding workflow
  drydock ci github|gitlab|kubernetes <lab-dir> --shards N [--out DIR]
      Write a sharded class-grading job for GitHub Actions, GitLab CI or a Kubernetes Indexed Job

A <lab-dir> may also be the id of a lab Drydock ships (catalog-image).
Exit codes: 0 all checks pass / success, 1 a check failed / build problems, 2 usage or infrastructure error.
Run 'drydock <command> --help' for a command's options.
`;

type Command = (args: string[]) => Promise<number>;

/** One file per command; each loads only when it runs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./init')).initCommand,
  build: async () => (await import('./build')).buildCommand,
  dev: async () => (await import('./dev')).devCommand,
  lab: async () => (await import('./lab')).labCommand,
  grade: async () => (await import('./grade')).gradeCommand,
  gradebook: async () => (await import('./gradebook')).gradebookCommand,
  images: async () => (await import('./images')).imagesCommand,
  doctor: async () => (await import('./doctor')).doctorCommand,
  classroom: async () => (await import('./classroom')).classroomCommand,
  'report-check': async () => (await import('./report-check')).reportCheckCommand,
  ci: async () => (await import('./ci')).ciCommand,
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`drydock ${packageVersion()}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? process.stdout : process.stderr).write(HELP);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`drydock: unknown command "${name}" (see drydock --help)\n`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
}
