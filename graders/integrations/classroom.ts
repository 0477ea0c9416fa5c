import { stringify } from 'yaml';
import { labChecks } from '../checks';
import type { Lab } from '../lab/load';

export interface ClassroomOptions {
  /** npm install spec of the grader: a registry name, a git URL or a tarball URL. */
  packageSpec: string;
  /** Where the lab definition is copied inside the student repository. */
  labPath: string;
}

/** Step ids and env names cannot all take dashes; the reporter reads `<ID>_RESULTS`. */
export const stepId = (checkId: string) => checkId.replace(/-/g, '_');

/**
 * A GitHub Actions workflow for a student repository: grade once, then one
 * `autograding-command-grader` step per check (reading the saved report, so
 * the image is built once), and GitHub Classroom's reporter to sum points.
 */
export function classroomWorkflow(lab: Lab, opts: ClassroomOptions): string {
  const gradeCmd = `drydock grade ${opts.labPath} . --format json --out drydock-report.json --quiet || test -s drydock-report.json`;
  const ids = labChecks(lab).map((c) => c.id);
  const checkSteps = ids.map((id) => ({
    name: `Check: ${id}`,
    id: stepId(id),
    uses: 'classroom-resources/autograding-command-grader@v1',
    with: {
      'test-name': id,
      'setup-command': '',
      command: `drydock report-check drydock-report.json ${id}`,
      timeout: 1,
      'max-score': lab.points[id],
    },
  }));
  const workflow = {
    name: `Autograding: ${lab.title}`,
    on: { push: {}, workflow_dispatch: {}, repository_dispatch: {} },
    permissions: { checks: 'write', actions: 'read', contents: 'read' },
    jobs: {
      grade: {
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 20,
        if: "github.actor != 'github-classroom[bot]'",
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
          { name: 'Install the Drydock grader', run: `npm install --global ${JSON.stringify(opts.packageSpec)}` },
          { name: 'Build and grade the submission', run: gradeCmd },
          ...checkSteps,
          {
            name: 'Report points to GitHub Classroom',
            uses: 'classroom-resources/autograding-grading-reporter@v1',
            env: Object.fromEntries(ids.map((id) => [`${stepId(id).toUpperCase()}_RESULTS`, `\${{steps.${stepId(id)}.outputs.result}}`])),
            with: { runners: ids.map(stepId).join(',') },
          },
        ],
      },
    },
  };
  return `# Written by \`drydock classroom\`. Re-run that command rather than editing by hand.\n${stringify(workflow, { lineWidth: 0 })}`;
}
