// A real assistd for the browser tests: 127.0.0.1, a port chosen at run time, a temporary data
// directory, media on loopback; driven with assistctl over its control socket.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const build = process.env.ASSIST_BUILD_DIR ?? new URL('../../build', import.meta.url).pathname;
const assistd = process.env.ASSISTD ?? join(build, 'daemon/assistd');
const assistctl = process.env.ASSISTCTL ?? join(build, 'cmd/assistctl/assistctl');

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

async function until(predicate, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class Daemon {
  /**
   * @param {{ice?: string[]}} [options] lines to put under media.ice instead of the loopback
   *   address (a test that puts something between the browser and the server's media)
   */
  async start({ ice = ['addresses: ["127.0.0.1"]'] } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'assist-e2e-'));
    this.port = await freePort();
    this.url = `https://127.0.0.1:${this.port}`;
    this.socket = join(this.dir, 'ctl.sock');
    this.logPath = join(this.dir, 'assistd.log');
    this.yaml = [
      'server:',
      `  listen: ["127.0.0.1:${this.port}"]`,
      `  public_url: "${this.url}"`,
      `  control_socket: "${this.socket}"`,
      'storage:',
      `  data_dir: "${join(this.dir, 'data')}"`,
      'log:',
      '  level: debug',
      'media:',
      '  ice:',
      ...ice.map((line) => `    ${line}`),
      'queues:',  // every customer page here enters its queues from 127.0.0.1
      '  entries_per_address: 100000',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'assistd.yaml'), this.yaml);
    const { openSync } = await import('node:fs');
    const log = openSync(this.logPath, 'a');
    this.process = spawn(assistd, ['-c', join(this.dir, 'assistd.yaml')], { stdio: ['ignore', log, log] });
    const failedToStart = new Promise((_, reject) => this.process.once('error', reject));
    failedToStart.catch(() => {});
    await Promise.race([failedToStart,
      until(() => existsSync(this.socket) || this.process.exitCode !== null, 'assistd to start')]);
    if (this.process.exitCode !== null) throw new Error(`assistd exited:\n${this.log()}`);
    await until(() => this.log().includes('DAEMON_READY'), 'assistd to be ready');
    return this;
  }

  /**
   * Reloads assistd (SIGHUP) with `replace` applied to its configuration text (`[from, to]`
   * pairs); only live keys change this way.
   * @param {[string, string][]} replace
   */
  async reconfigure(replace) {
    const text = replace.reduce((yaml, [from, to]) => yaml.replace(from, to), this.yaml);
    writeFileSync(join(this.dir, 'assistd.yaml'), text);
    const reloads = this.log().split('CONFIG_RELOADED').length;
    this.process.kill('SIGHUP');
    await until(() => this.log().split('CONFIG_RELOADED').length > reloads, 'assistd to reload');
  }

  log() {
    return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
  }

  /** Runs assistctl; returns its standard output. */
  ctl(args, input) {
    return execFileSync(assistctl, ['--socket', this.socket, ...args], { input, encoding: 'utf8' });
  }

  ctlJson(args) {
    return JSON.parse(this.ctl([...args, '-o', 'json']));
  }

  /** Stops assistd; under ASan/UBSan a report (leaks are reported at exit) is an error. */
  async stop() {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    const log = this.log();
    for (const marker of ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:']) {
      const at = log.indexOf(marker);
      if (at >= 0) throw new Error(`assistd's sanitizer report:\n${log.slice(Math.max(0, at - 200), at + 6000)}`);
    }
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
