"""``npm test`` as npm runs it, without npm: the ``pretest``, ``test`` and ``posttest`` scripts
in turn, each by the shell, stopping at the first that fails (its exit status is the run's).

npm itself cannot run in the sandbox (under its address-space limit npm's own Node process
dies of a V8 heap OOM), so a few lines of JavaScript run by the toolchain's ``node`` stand in
for it: ``npm`` and ``npx`` commands on ``PATH`` (after the project's ``node_modules/.bin``)
that know npm's script lifecycle and nothing else. ``npm test`` / ``npm run <name>`` (and their
aliases, ``--if-present``, arguments after ``--``, ``--prefix``) run ``pre<name>``, ``<name>``
and ``post<name>`` with ``node_modules/.bin`` first on ``PATH`` and npm's ``npm_lifecycle_event``
and ``npm_package_*`` variables, as npm does; ``npx <bin>`` / ``npm exec <bin>`` run an
installed package's command; any other npm command (``install``, ``pack``, ...) says it is not
available offline and fails, as it would without a network.
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCRIPT = "npm-lifecycle.js"
LIFECYCLE = r"""
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const NAMED = { test: 'test', t: 'test', tst: 'test', start: 'start', stop: 'stop',
  restart: 'restart' };
const EXEC = new Set(['exec', 'x']);
const WITH_VALUE = new Set(['--prefix', '-C', '--workspace', '-w']);

function fail(message) {
  process.stderr.write(`npm: ${message}\n`);
  process.exit(1);
}

function projectDir(from) {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function binPath(dir) {
  const bins = [];
  for (let d = dir; ; d = path.dirname(d)) {
    bins.push(path.join(d, 'node_modules', '.bin'));
    if (path.dirname(d) === d) break;
  }
  return [...bins, process.env.PATH || ''].join(':');
}

const quote = (arg) => `'${arg.replace(/'/g, "'\\''")}'`;

function exitWith(result) {
  if (result.error) fail(result.error.message);
  if (result.status !== 0) process.exit(result.status === null ? 1 : result.status);
}

function runScript(cwd, name, args, ifPresent) {
  const dir = projectDir(cwd);
  if (dir === null) fail(`no package.json in ${cwd} or above`);
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch (error) {
    fail(`package.json cannot be read: ${error.message}`);
  }
  const scripts = (pkg && typeof pkg.scripts === 'object' && pkg.scripts) || {};
  if (typeof scripts[name] !== 'string') {
    if (ifPresent) process.exit(0);
    fail(`Missing script: "${name}"`);
  }
  for (const [event, extra] of [[`pre${name}`, []], [name, args], [`post${name}`, []]]) {
    const script = scripts[event];
    if (typeof script !== 'string') continue;
    const command = [script, ...extra.map(quote)].join(' ');
    process.stderr.write(`\n> ${pkg.name || ''}@${pkg.version || ''} ${event}\n> ${command}\n\n`);
    const env = {
      ...process.env,
      PATH: binPath(dir),
      INIT_CWD: process.env.INIT_CWD || path.resolve(cwd),
      npm_lifecycle_event: event,
      npm_lifecycle_script: script,
      npm_package_json: path.join(dir, 'package.json'),
      npm_package_name: String(pkg.name || ''),
      npm_package_version: String(pkg.version || ''),
      npm_node_execpath: process.execPath,
      npm_execpath: __filename,
    };
    exitWith(spawnSync('/bin/sh', ['-c', command], { cwd: dir, stdio: 'inherit', env }));
  }
}

function runBin(cwd, name, args) {
  const dir = projectDir(cwd) || path.resolve(cwd);
  const env = { ...process.env, PATH: binPath(dir) };
  const found = env.PATH.split(':').map((d) => path.join(d, name)).find((f) => {
    try { fs.accessSync(f, fs.constants.X_OK); return true; } catch { return false; }
  });
  if (!found) fail(`${name} is not installed, and nothing can be downloaded here (offline)`);
  exitWith(spawnSync(found, args, { cwd, stdio: 'inherit', env }));
}

function main(argv) {
  let cwd = process.cwd();
  let ifPresent = false;
  const words = [];
  let rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { rest = argv.slice(i + 1); break; }
    if (words.length && EXEC.has(words[0]) && words.length > 1) { rest = argv.slice(i); break; }
    if (WITH_VALUE.has(arg)) {
      if (arg === '--prefix' || arg === '-C') cwd = path.resolve(cwd, argv[i + 1] || '.');
      i++;
    } else if (arg.startsWith('--prefix=')) {
      cwd = path.resolve(cwd, arg.slice('--prefix='.length));
    } else if (arg === '--if-present') {
      ifPresent = true;
    } else if (!arg.startsWith('-')) {
      words.push(arg);
    }
  }
  const [command, ...positional] = words;
  if (command === undefined) fail('a command is needed');
  if (RUN.has(command)) {
    if (!positional.length) fail('run: a script name is needed');
    return runScript(cwd, positional[0], [...positional.slice(1), ...rest], ifPresent);
  }
  if (command in NAMED) return runScript(cwd, NAMED[command], [...positional, ...rest], ifPresent);
  if (EXEC.has(command)) {
    const [name, ...args] = [...positional, ...rest];
    if (!name) fail('exec: a command is needed');
    return runBin(cwd, name, args);
  }
  fail(`"npm ${command}" is not available here: only package scripts run, offline`);
}

main(process.argv.slice(2));
"""


@contextmanager
def npm_commands(node: Path) -> Iterator[Path]:
    """A folder holding ``npm`` and ``npx`` commands that run ``LIFECYCLE`` with ``node``, to
    be shown read-only in the sandbox and put on its ``PATH``; deleted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="truelevel-npm-"))
    try:
        folder.chmod(0o755)  # the sandbox's user is not this one
        script = folder / SCRIPT
        script.write_text(LIFECYCLE, encoding="utf-8")
        script.chmod(0o644)
        for name, first in (("npm", ""), ("npx", " exec")):
            command = folder / name
            run = f"{shlex.quote(str(node))} {shlex.quote(str(script))}{first}"
            command.write_text(f'#!/bin/sh\nexec {run} "$@"\n')
            command.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def npm_test_command(commands: Path) -> str:
    """The shell command that runs the project's ``npm test`` lifecycle."""
    return f"{shlex.quote(str(commands / 'npm'))} test"


def lifecycle(package: dict[str, Any], name: str = "test") -> list[str]:
    """The scripts ``npm run <name>`` runs, in order: ``pre<name>``, ``<name>``, ``post<name>``
    (those the project has)."""
    scripts = package.get("scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    found = (scripts.get(event) for event in (f"pre{name}", name, f"post{name}"))
    return [script for script in found if isinstance(script, str)]
