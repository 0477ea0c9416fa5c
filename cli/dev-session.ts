import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';

/** What a book is read from, relative to its root: folders watched with every folder under them, and single files. */
export interface CourseSources {
  dirs: string[];
  files: string[];
}

// A course whose chapters are its root (a folder of GitHub Markdown) writes these there too.
const NOT_SOURCES = new Set(['site', 'node_modules', 'book', '_site', 'dist']);

/**
 * Watches what a book is built from: its content folder (`chapters/`, an
 * mdBook's `src/`, or the root itself) and `labs/` with every folder under
 * them, and its manifests (`course.yaml`, `book.toml`). One plain watcher per folder: inotify on a
 * folder reports every change to its files, saved in place or renamed over
 * (editors' atomic saves), and the watchers exist as soon as this returns.
 * (Node 20's recursive watch on Linux instead sets up one watcher per file,
 * one after another, and misses edits that come meanwhile or replace a file.)
 * `onChange` gets each changed path, relative to `root`. Returns the closer.
 */
export function watchCourse(root: string, onChange: (name: string) => void, sources: CourseSources = { dirs: ['chapters', 'labs'], files: ['course.yaml'] }): () => void {
  const rootIsContent = sources.dirs.includes('');
  const wanted = new Set([...sources.dirs, ...sources.files]);
  const watchers = new Map<string, FSWatcher>();
  const add = (dir: string) => {
    if (watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        const path = join(dir, String(name ?? ''));
        // In the root only these matter (the site and caches are written there too).
        if (dir === root && !wanted.has(String(name)) && !(rootIsContent && !NOT_SOURCES.has(String(name)) && !String(name).startsWith('.'))) return;
        if (!existsSync(dir)) {
          w.close();
          watchers.delete(dir);
        } else if (path !== dir && isFolder(path)) add(path);
        onChange(relative(root, path) || '.');
      });
    } catch {
      return; // gone already
    }
    w.on('error', () => {
      w.close();
      watchers.delete(dir);
    });
    watchers.set(dir, w);
    if (dir !== root || rootIsContent) for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !(dir === root && (NOT_SOURCES.has(e.name) || e.name.startsWith('.')))) add(join(dir, e.name));
  };
  add(root);
  for (const d of sources.dirs) if (d && isFolder(join(root, d))) add(join(root, d));
  return () => {
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Runs `build` for changes, one build at a time, and never drops one: a change
 * during a build makes another build once it ends, with everything that
 * changed meanwhile. A burst of changes (an editor's temp file and rename) is
 * gathered for `settleMs` before a build starts.
 */
export function buildQueue(build: (why: string) => Promise<void>, settleMs = 10) {
  const pending = new Set<string>();
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const drain = async () => {
    while (pending.size) {
      const why = [...pending].join(', ');
      pending.clear();
      await build(why);
    }
    running = undefined;
  };
  const start = () => {
    timer = undefined;
    running ??= drain();
  };
  return {
    /** Records a change; builds now or after the running build. */
    changed(name: string, now = false) {
      pending.add(name);
      // A running build picks the change up when it ends.
      if (running) return;
      clearTimeout(timer);
      if (now) start();
      else timer = setTimeout(start, settleMs);
    },
    /** Settles when no build is running or due. */
    async idle() {
      while (running || timer) await (running ?? new Promise((r) => setTimeout(r, settleMs)));
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
