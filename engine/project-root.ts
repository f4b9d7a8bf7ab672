import fs from 'node:fs';
import path from 'node:path';

/** The repository root (the folder holding Stepflow's package.json), from source or from dist/. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'stepflow') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`stepflow package.json not found above ${from}`);
    dir = parent;
  }
}
