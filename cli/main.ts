
const HELP = `drydock: course book builder and container-lab grader

Usage:
  drydock grade <lab-dir> <submission> [--format terminal|json|junit] [--out FILE]
      Build a student's Dockerfile in the Docker engine and run the lab's checks.
      <submission> is a folder, a .zip or a .tar(.gz).
  drydock images <lab-dir>...     Make sure the labs' base images exist (pull, else build local stand-ins)
  drydock doctor [<lab-dir>] [--engine URL]...   Report each engine, registry reachability and base images
  drydock grade <lab-dir> --batch <dir> --out <results-dir> [-j N] [--regrade] [--roster FILE]
                [--shard I/N | --shards N] [--engine URL[#jobs=N]]... [--engines-file FILE]
      Grade a whole class: gradebook.csv, feedback, Gradescope results, summary.html, junit.xml;
      or one shard of it (a CI matrix job, a Kubernetes Indexed Job, a Slurm/AWS Batch array task),
      or the class across several engines from this machine.
  drydock gradebook merge --out DIR [--roster FILE] RESULTS...   Combine shard results into one gradebook
  drydock classroom <lab-dir> [--out REPO]  Write a GitHub Classroom autograding workflow
  drydock ci github|gitlab|kubernetes <lab-dir> --shards N [--out DIR]
      Write a sharded class-grading job for GitHub Actions, GitLab CI or a Kubernetes Indexed Job
  drydock lab test <lab-dir>      Prove the lab: the solution scores full marks, each broken variant fails what it says
  drydock lab new <id>            Scaffold a lab folder that passes 'lab test' as written
  drydock build [--root DIR] [--out DIR]   Render the course book into site/
  drydock dev [--root DIR] [--port N]      Serve the book with live reload

Exit codes: 0 all checks pass / success, 1 a check failed / build problems, 2 usage or infrastructure error.
Run 'drydock <command> --help' for a command's options.
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  grade: async () => (await import('./grade')).gradeCommand,
  images: async () => (await import('./engine')).imagesCommand,
  doctor: async () => (await import('./engine')).doctorCommand,
  build: async () => (await import('./book')).buildCommand,
  dev: async () => (await import('./book')).devCommand,
  classroom: async () => (await import('./classroom')).classroomCommand,
  'report-check': async () => (await import('./classroom')).reportCheckCommand,
  gradebook: async () => (await import('./gradebook')).gradebookCommand,
  ci: async () => (await import('./ci')).ciCommand,
  lab: async () => (await import('./lab')).labCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`drydock: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  return (await load())(rest);
}
