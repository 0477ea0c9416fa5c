import { stringify } from 'yaml';
import type { Lab } from '../lab/load';

/**
 * Sharded class grading for the schedulers instructors already run. Each
 * generator writes N copies of one `drydock grade --batch` command, each told
 * its shard, and a merge step. Every shard grades its students on exactly one
 * Docker daemon, so a student's first build and cache-probe rebuild always
 * meet the same BuildKit cache:
 *  - GitHub Actions: each matrix job is its own runner VM with its own dockerd;
 *    DOCKER_HOST is left unset, so the grader uses that runner's local socket.
 *  - GitLab CI: each `parallel:` job gets its own `docker:dind` service
 *    (services are per job, never shared); DOCKER_HOST=tcp://docker:2375 is that job's.
 *  - Kubernetes: each pod of the Indexed Job runs its own dockerd as a sidecar
 *    listening on a unix socket in a volume the two containers share (no TCP
 *    port a build's `ADD http://127.0.0.1:…` could reach), and the grader's
 *    DOCKER_HOST points there. Once `drydock images` has loaded the lab's
 *    images the pod loses its route out (see ENGINE_OFFLINE).
 */
export interface CiOptions {
  shards: number;
  /** npm install spec of the grader. */
  packageSpec: string;
  /** The lab as the job names it: a path in the repository (or on the volume), or a shipped lab's id. */
  labPath: string;
  /** Kubernetes only: images and the claim holding submissions, lab and results. */
  nodeImage?: string;
  dindImage?: string;
  claim?: string;
}

const NODE = 'node:20-bookworm';
const DIND = 'docker:24-dind';
const header = (what: string) => `# Written by \`drydock ci ${what}\`. Re-run that command rather than editing by hand.\n`;

/** Sets SUBMISSIONS_DIR from SUBMISSIONS: a folder as is, an https URL of a .tar.gz downloaded and unpacked. POSIX sh. */
const FETCH = [
  'case "$SUBMISSIONS" in',
  '  https://*) mkdir -p class-submissions && curl -fsSL "$SUBMISSIONS" | tar -xz -C class-submissions && SUBMISSIONS_DIR=class-submissions ;;',
  '  *) SUBMISSIONS_DIR="$SUBMISSIONS" ;;',
  'esac',
].join('\n');

/**
 * `ADD <url>`, pulls and `# syntax` frontends are fetched by the daemon, outside
 * the build's `networkmode: none`. Where the daemon is a sidecar sharing the
 * pod's network namespace, it can be cut off once the lab's images are in:
 * the grader writes SIGNAL, the privileged sidecar deletes the default routes
 * and rejects everything leaving through the pod's interface (eth0), then
 * writes SIGNAL.done, which the grader waits for before grading. Volumes are
 * mounted by the kubelet outside the pod's namespace, so results still reach
 * the claim.
 */
const OFFLINE_SIGNAL = '/run/drydock/offline';
const ENGINE_SOCKET = '/run/drydock/docker.sock';
export const ENGINE_OFFLINE = [
  // Its exit status is the last line's: the IPv4 reject rules are what must hold.
  'ip route del default 2>/dev/null; ip -6 route del default 2>/dev/null',
  'ip6tables -I OUTPUT -o eth0 -j REJECT 2>/dev/null; ip6tables -I FORWARD -o eth0 -j REJECT 2>/dev/null',
  'iptables -I OUTPUT -o eth0 -j REJECT && iptables -I FORWARD -o eth0 -j REJECT',
].join('\n');
const SIDECAR = [
  `dockerd-entrypoint.sh --host=unix:///var/run/docker.sock --host=unix://${ENGINE_SOCKET} --tls=false &`,
  'engine=$!',
  `until [ -e ${OFFLINE_SIGNAL} ]; do kill -0 $engine || exit 1; sleep 1; done`,
  // Acknowledged only when the cut held: without the acknowledgement the grader does not grade.
  `cut_route() {\n${ENGINE_OFFLINE}\n}`,
  `cut_route && : > ${OFFLINE_SIGNAL}.done`,
  'wait $engine',
].join('\n');
/** The grader's half: signal, then wait (at most a minute) until the sidecar says the route is gone. */
const GO_OFFLINE = [
  ': > "$ENGINE_OFFLINE_SIGNAL"',
  'for i in $(seq 60); do [ -e "$ENGINE_OFFLINE_SIGNAL.done" ] && break; sleep 1; done',
  '[ -e "$ENGINE_OFFLINE_SIGNAL.done" ] || { echo "drydock: the dockerd sidecar did not cut its route out; not grading" >&2; exit 1; }',
].join('\n');

const shardList = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function githubWorkflow(lab: Lab, o: CiOptions): string {
  const install = { name: 'Install the Drydock grader', run: `npm install --global ${JSON.stringify(o.packageSpec)}` };
  const node = { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } };
  const workflow = {
    name: `Grade the class: ${lab.title}`,
    on: {
      workflow_dispatch: {
        inputs: {
          submissions: {
            description: 'One folder or archive per student: a folder in this repository, or an https URL of a .tar.gz of such a folder',
            required: true,
            default: 'submissions',
          },
          roster: { description: 'Roster CSV in this repository (id,name,email); lists who submitted nothing', required: false, default: '' },
        },
      },
    },
    permissions: { contents: 'read' },
    concurrency: { group: `drydock-grade-${lab.id}`, 'cancel-in-progress': false },
    env: { LAB: o.labPath, SHARDS: String(o.shards) },
    jobs: {
      grade: {
        name: `Grade shard \${{ matrix.shard }} of ${o.shards}`,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 180,
        strategy: { 'fail-fast': false, matrix: { shard: shardList(o.shards) } },
        steps: [
          { uses: 'actions/checkout@v4' },
          node,
          install,
          {
            name: 'Fetch the submissions',
            env: { SUBMISSIONS: '${{ inputs.submissions }}' },
            run: `${FETCH}\necho "SUBMISSIONS_DIR=$SUBMISSIONS_DIR" >> "$GITHUB_ENV"`,
          },
          // This runner's own dockerd (DOCKER_HOST unset): every build of every student of this shard goes to it.
          { name: "Base images on this runner's engine", run: 'drydock images "$LAB"' },
          {
            name: 'Grade this shard',
            env: { SHARD: '${{ matrix.shard }}', ROSTER: '${{ inputs.roster }}' },
            run: 'drydock grade "$LAB" --batch "$SUBMISSIONS_DIR" --out "results/shard-$SHARD" --shard "$SHARD/$SHARDS" ${ROSTER:+--roster "$ROSTER"}',
          },
          {
            name: "Keep this shard's results",
            if: 'always()',
            uses: 'actions/upload-artifact@v4',
            // The per-student state files start with a dot; the merge needs them.
            with: { name: 'drydock-shard-${{ matrix.shard }}', path: 'results/shard-${{ matrix.shard }}', 'include-hidden-files': true, 'if-no-files-found': 'error', 'retention-days': 30 },
          },
        ],
      },
      merge: {
        name: 'Merge the shards into one gradebook',
        needs: 'grade',
        if: 'always()',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 15,
        steps: [
          { uses: 'actions/checkout@v4' },
          node,
          install,
          { name: 'Collect the shards', uses: 'actions/download-artifact@v4', with: { pattern: 'drydock-shard-*', path: 'shards' } },
          {
            name: 'Merge the shards',
            env: { ROSTER: '${{ inputs.roster }}' },
            run: 'drydock gradebook merge --out gradebook ${ROSTER:+--roster "$ROSTER"} shards/*',
          },
          {
            name: 'Publish the gradebook',
            if: 'always()',
            uses: 'actions/upload-artifact@v4',
            with: { name: 'drydock-gradebook', path: 'gradebook', 'include-hidden-files': true, 'if-no-files-found': 'warn', 'retention-days': 90 },
          },
          {
            name: 'Gradebook in the run summary',
            if: 'always()',
            run: 'if [ -f gradebook/gradebook.csv ]; then { echo "### ${{ github.workflow }}"; echo; echo "Download the drydock-gradebook artifact for summary.html, junit.xml and each student\'s feedback."; echo; echo \'```csv\'; cat gradebook/gradebook.csv; echo \'```\'; } >> "$GITHUB_STEP_SUMMARY"; fi',
          },
        ],
      },
    },
  };
  return `${header('github')}${stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

export function gitlabPipeline(lab: Lab, o: CiOptions): string {
  const install = [`npm install --global ${JSON.stringify(o.packageSpec)}`];
  const manual = [{ if: '$CI_PIPELINE_SOURCE == "web" || $CI_PIPELINE_SOURCE == "api" || $CI_PIPELINE_SOURCE == "trigger"' }];
  const pipeline = {
    stages: ['grade', 'merge'],
    variables: {
      LAB: o.labPath,
      SUBMISSIONS: { value: 'submissions', description: 'One folder or archive per student: a folder in this repository, or an https URL of a .tar.gz of such a folder' },
      ROSTER: { value: '', description: 'Roster CSV in this repository (id,name,email), optional' },
    },
    'drydock-grade': {
      stage: 'grade',
      image: NODE,
      // This job's own daemon: GitLab starts one docker:dind service per job, reached as "docker".
      services: [{ name: DIND, alias: 'docker', command: ['--host=tcp://0.0.0.0:2375', '--tls=false'] }],
      variables: { DOCKER_HOST: 'tcp://docker:2375', DOCKER_TLS_CERTDIR: '' },
      parallel: o.shards,
      timeout: '3h',
      rules: manual,
      before_script: install,
      // CI_NODE_INDEX/CI_NODE_TOTAL give the shard: no --shard needed.
      script: [FETCH, 'drydock images "$LAB"', 'drydock grade "$LAB" --batch "$SUBMISSIONS_DIR" --out "results/shard-$CI_NODE_INDEX" ${ROSTER:+--roster "$ROSTER"}'],
      artifacts: { when: 'always', paths: ['results/'], expire_in: '30 days' },
    },
    'drydock-merge': {
      stage: 'merge',
      image: NODE,
      needs: ['drydock-grade'],
      rules: manual.map((r) => ({ ...r, when: 'always' })),
      before_script: install,
      script: ['drydock gradebook merge --out gradebook ${ROSTER:+--roster "$ROSTER"} results/shard-*'],
      artifacts: { when: 'always', name: 'drydock-gradebook', paths: ['gradebook/'], expire_in: '90 days', reports: { junit: 'gradebook/junit.xml' } },
    },
  };
  return `${header('gitlab')}# Run it from CI/CD > Pipelines > Run pipeline (set SUBMISSIONS). The runner must allow privileged
# containers (docker:dind): [runners.docker] privileged = true.\n${stringify(pipeline, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

export interface KubernetesFiles {
  'drydock-volume.yaml': string;
  'drydock-grade-job.yaml': string;
  'drydock-merge-job.yaml': string;
}

export function kubernetesManifests(lab: Lab, o: CiOptions): KubernetesFiles {
  const claim = o.claim ?? 'drydock-class';
  const node = o.nodeImage ?? NODE;
  const name = `drydock-${lab.id}`.slice(0, 50);
  const labels = { 'app.kubernetes.io/name': 'drydock', 'drydock.io/lab': lab.id };
  const installer = {
    name: 'install-drydock',
    image: node,
    command: ['sh', '-c', `npm install --global --prefix /opt/drydock ${JSON.stringify(o.packageSpec)}`],
    volumeMounts: [{ name: 'drydock', mountPath: '/opt/drydock' }],
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  };
  const pathEnv = { name: 'PATH', value: '/opt/drydock/bin:/usr/local/bin:/usr/bin:/bin' };
  const volume = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: claim, labels },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '20Gi' } } },
  };
  const gradeJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-grade`, labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      // A pod lost with its node is retried; the retry keeps the students its shard already saved.
      backoffLimitPerIndex: 2,
      activeDeadlineSeconds: 4 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          // Each pod: its own dockerd (the sidecar), reached on the pod's loopback only.
          initContainers: [
            installer,
            {
              name: 'dockerd',
              image: o.dindImage ?? DIND,
              restartPolicy: 'Always', // a native sidecar (Kubernetes 1.29+): stops when the grader exits
              securityContext: { privileged: true },
              command: ['sh', '-c', SIDECAR],
              env: [{ name: 'DOCKER_TLS_CERTDIR', value: '' }],
              startupProbe: { exec: { command: ['docker', 'info'] }, periodSeconds: 2, failureThreshold: 60 },
              volumeMounts: [
                { name: 'docker-data', mountPath: '/var/lib/docker' },
                { name: 'engine', mountPath: '/run/drydock' },
              ],
              resources: { requests: { cpu: '2', memory: '4Gi', 'ephemeral-storage': '20Gi' }, limits: { cpu: '2', memory: '6Gi', 'ephemeral-storage': '30Gi' } },
            },
          ],
          containers: [
            {
              name: 'grader',
              image: node,
              env: [
                pathEnv,
                { name: 'DOCKER_HOST', value: `unix://${ENGINE_SOCKET}` },
                { name: 'ENGINE_OFFLINE_SIGNAL', value: OFFLINE_SIGNAL },
                { name: 'LAB', value: o.labPath },
                { name: 'SUBMISSIONS', value: '/class/submissions' },
                { name: 'RESULTS', value: '/class/results' },
                { name: 'ROSTER', value: '' },
              ],
              // JOB_COMPLETION_INDEX (0-based, set by Kubernetes) gives the shard; --shards gives the count.
              command: [
                'sh',
                '-c',
                `set -e\ndrydock images "$LAB"\n${GO_OFFLINE}\ndrydock grade "$LAB" --batch "$SUBMISSIONS" --out "$RESULTS/shard-$((JOB_COMPLETION_INDEX + 1))" --shards ${o.shards} -j 2 \${ROSTER:+--roster "$ROSTER"}`,
              ],
              volumeMounts: [
                { name: 'class', mountPath: '/class' },
                { name: 'drydock', mountPath: '/opt/drydock' },
                { name: 'engine', mountPath: '/run/drydock' },
              ],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
            },
          ],
          volumes: [
            { name: 'class', persistentVolumeClaim: { claimName: claim } },
            { name: 'drydock', emptyDir: {} },
            { name: 'docker-data', emptyDir: {} },
            { name: 'engine', emptyDir: {} },
          ],
        },
      },
    },
  };
  const mergeJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-merge`, labels },
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          initContainers: [installer],
          containers: [
            {
              name: 'merge',
              image: node,
              env: [pathEnv, { name: 'RESULTS', value: '/class/results' }, { name: 'GRADEBOOK', value: '/class/gradebook' }, { name: 'ROSTER', value: '' }],
              command: ['sh', '-c', 'drydock gradebook merge --out "$GRADEBOOK" ${ROSTER:+--roster "$ROSTER"} "$RESULTS"/shard-*'],
              volumeMounts: [
                { name: 'class', mountPath: '/class' },
                { name: 'drydock', mountPath: '/opt/drydock' },
              ],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
            },
          ],
          volumes: [
            { name: 'class', persistentVolumeClaim: { claimName: claim } },
            { name: 'drydock', emptyDir: {} },
          ],
        },
      },
    },
  };
  const y = (doc: object) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  return {
    'drydock-volume.yaml': `${header('kubernetes')}# The class's files: /submissions (one folder or archive per student), the lab, /results, /gradebook.
# The access mode must be ReadWriteMany (NFS, EFS, Filestore, CephFS…): every shard's pod mounts it.\n${y(volume)}`,
    'drydock-grade-job.yaml': `${header('kubernetes')}# ${o.shards} pods, one per shard. Each runs its own dockerd as a privileged sidecar on a socket
# shared with the grader, so both builds of a student meet the same BuildKit cache. Once the
# lab's images are loaded the sidecar deletes the pod's default routes and rejects traffic
# leaving eth0, so what the daemon fetches itself (ADD <url>) has nowhere to go. The namespace must admit
# privileged pods (Pod Security "privileged" level) and the cluster must be 1.29+ (native sidecars,
# backoffLimitPerIndex). Then: kubectl wait --for=condition=complete --timeout=4h job/${name}-grade
# and apply drydock-merge-job.yaml.\n${y(gradeJob)}`,
    'drydock-merge-job.yaml': `${header('kubernetes')}# Apply once the grading Job is complete: merges /class/results/shard-* into /class/gradebook.\n${y(mergeJob)}`,
  };
}
