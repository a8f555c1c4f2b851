// make install and the Debian package (issue 18 parts 1-4). The package is installed
// on this machine with dpkg (CI's machine is a fresh one) and removed at the end.
// systemd does not run as PID 1 in the test sandbox, so the service is started the way
// its unit starts it (as the safeharbor user, with the installed configuration file);
// the unit file itself is checked with `systemd-analyze verify`. Where systemd is PID 1,
// systemctl starts it for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEB = process.env.SAFEHARBOR_DEB;
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
const sh = (cmd) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();
const systemdRuns = existsSync('/run/systemd/system') &&
  run('ps', ['-p', '1', '-o', 'comm=']).stdout.trim() === 'systemd';

test('make install puts everything under PREFIX; the installed binary reads its own data', () => {
  const dest = mkdtempSync(join(tmpdir(), 'sh-install-'));
  try {
    const r = run('make', ['-s', 'install', `DESTDIR=${dest}`, 'PREFIX=/opt/safeharbor-test']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const root = join(dest, 'opt/safeharbor-test');
    for (const f of readdirSync('protocols')) {
      assert.ok(existsSync(join(root, 'share/safeharbor', f)), `protocols/${f} installed`);
    }
    for (const f of ['bin/safeharbor', 'share/man/man1/safeharbor.1.gz', 'share/man/man5/safeharbor.conf.5.gz',
      'lib/systemd/system/safeharbor.service', 'share/doc/safeharbor/examples/nginx-safeharbor.conf',
      'share/doc/safeharbor/LICENSE']) {
      assert.ok(existsSync(join(root, f)), f);
    }
    const conf = join(dest, 'opt/safeharbor-test/etc/safeharbor/safeharbor.conf');
    assert.equal(statSync(conf).mode & 0o777, 0o640);
    const unit = readFileSync(join(root, 'lib/systemd/system/safeharbor.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/opt\/safeharbor-test\/bin\/safeharbor serve --config \/opt\/safeharbor-test\/etc\/safeharbor\/safeharbor.conf$/m);
    // the installed binary looks in its PREFIX, not in the source tree or the working directory
    const show = run(join(root, 'bin/safeharbor'), ['config', 'show', '--config', conf], { cwd: '/' });
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^protocol += \/opt\/safeharbor-test\/share\/safeharbor\/la-county-frp\.protocol +# default$/m);
    assert.match(show.stdout, /^db += \/var\/lib\/safeharbor\/safeharbor\.db +# .*safeharbor\.conf:\d+$/m);
    // a second install keeps the configuration the county edited
    const again = run('make', ['-s', 'install', `DESTDIR=${dest}`, 'PREFIX=/opt/safeharbor-test']);
    assert.match(again.stdout, /install: kept /);
    // the man pages render without warnings
    const man = run('sh', ['-c', `zcat ${root}/share/man/man1/safeharbor.1.gz | groff -man -Tutf8 -ww -z`]);
    assert.equal(man.stderr, '');
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

// Collects a child's output; until(re) waits for a line matching re.
function watch(child) {
  let out = '';
  const waiters = [];
  const on = (d) => {
    out += d;
    for (const w of waiters.splice(0)) {
      const m = out.match(w.re);
      if (m) { clearTimeout(w.timer); w.resolve(m); } else waiters.push(w);
    }
  };
  child.stdout.on('data', on);
  child.stderr.on('data', on);
  child.on('exit', (code) => { for (const w of waiters.splice(0)) w.reject(new Error(`exited ${code}:\n${out}`)); });
  return {
    until(re) {
      const m = out.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in 20 s:\n${out}`)), 20000);
        waiters.push({ re, resolve, reject, timer });
      });
    },
  };
}

test('the Debian package installs a hardened service that reads its configuration and upgrades in place',
  { skip: process.getuid() !== 0 ? 'needs root (dpkg)' : false }, async () => {
    assert.ok(DEB && existsSync(DEB), 'make deb built the package');
    if (run('dpkg-query', ['-W', '-f=${Status}', 'safeharbor']).stdout.includes('installed')) {
      assert.fail('safeharbor is already installed on this machine: this test installs and purges it, so it refuses to run here');
    }
    const info = run('dpkg-deb', ['--info', DEB]).stdout;
    assert.match(info, /Package: safeharbor/);
    assert.match(info, /Depends: .*libmicrohttpd12 \(>= [^)]+\).*libsodium23/);
    const contents = run('dpkg-deb', ['--contents', DEB]).stdout;
    assert.match(contents, /\.\/usr\/bin\/safeharbor/);
    assert.match(contents, /\.\/usr\/share\/safeharbor\/la-county-frp\.protocol/);
    assert.match(contents, /\.\/lib\/systemd\/system\/safeharbor\.service/);
    assert.match(contents, /-rw-r----- root\/root .* \.\/etc\/safeharbor\/safeharbor\.conf/);

    let server;
    try {
      const inst = run('dpkg', ['-i', DEB]);
      assert.equal(inst.status, 0, inst.stdout + inst.stderr);
      // the system user, the state directory, the database and its key
      assert.match(sh('getent passwd safeharbor'), /^safeharbor:x:\d+:\d+:safeharbor service:\/var\/lib\/safeharbor:\/usr\/sbin\/nologin$/);
      assert.equal(sh('stat -c %U:%a /var/lib/safeharbor'), 'safeharbor:750');
      assert.equal(sh('stat -c %U:%a /var/lib/safeharbor/safeharbor.key'), 'safeharbor:600');
      assert.equal(sh('stat -c %U:%G:%a /etc/safeharbor/safeharbor.conf'), 'root:safeharbor:640');
      assert.equal(sh('systemctl is-enabled safeharbor.service'), 'enabled');
      const unit = '/lib/systemd/system/safeharbor.service';
      const text = readFileSync(unit, 'utf8');
      for (const line of ['Type=notify', 'User=safeharbor', 'ProtectSystem=strict', 'PrivateTmp=yes',
        'NoNewPrivileges=yes', 'ReadWritePaths=/var/lib/safeharbor', 'ProtectHome=yes',
        'SystemCallFilter=@system-service', 'CapabilityBoundingSet=',
        'ExecStart=/usr/bin/safeharbor serve --config /etc/safeharbor/safeharbor.conf']) {
        assert.ok(text.split('\n').includes(line), line);
      }
      const verify = run('systemd-analyze', ['verify', unit]);
      assert.equal(verify.status, 0, verify.stderr);

      // the installed configuration is the one in force (file:line), from any directory
      const show = run('runuser', ['-u', 'safeharbor', '--', '/usr/bin/safeharbor', 'config', 'show'], { cwd: '/' });
      assert.equal(show.status, 0, show.stderr);
      assert.match(show.stdout, /^db += \/var\/lib\/safeharbor\/safeharbor\.db +# \/etc\/safeharbor\/safeharbor\.conf:\d+$/m);
      assert.match(show.stdout, /^protocol += \/usr\/share\/safeharbor\/la-county-frp\.protocol +# default$/m);

      // start it as the unit does; the ports come from the environment (which wins over the
      // file) so that the test never clashes with a server already on 8080
      const env = { PATH: process.env.PATH, SAFEHARBOR_LISTEN: '127.0.0.1:0', SAFEHARBOR_METRICS_LISTEN: '127.0.0.1:0' };
      if (systemdRuns) {
        assert.equal(run('systemctl', ['start', 'safeharbor.service']).status, 0);
      }
      const uid = Number(sh('id -u safeharbor'));
      const gid = Number(sh('id -g safeharbor'));
      server = spawn('/usr/bin/safeharbor', ['serve', '--config', '/etc/safeharbor/safeharbor.conf'],
        { cwd: '/', env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
      const w = watch(server);
      const [, url] = await w.until(/listening on (http:\/\/\S+)\//);
      const [, metrics] = await w.until(/metrics on (http:\/\/\S+)/);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      const m = await (await fetch(metrics)).text();
      assert.match(m, /^safeharbor_build_info\{version="[^"]+",schema="\d+"\} 1$/m);
      server.kill('SIGTERM');
      const code = await new Promise((r) => server.on('exit', (c) => r(c)));
      assert.equal(code, 0, 'a clean stop on SIGTERM');
      server = null;

      // the server left signed checkpoints of the audit chain beside the key (its state
      // directory is the only one it may write); the chain and they hold
      assert.ok(existsSync('/var/lib/safeharbor/safeharbor.checkpoints'));
      const verified = run('runuser', ['-u', 'safeharbor', '--', '/usr/bin/safeharbor', 'audit', 'verify'], { cwd: '/' });
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(verified.stdout, /^audit chain holds: \d+ rows, head [0-9a-f]{64}; \d+ timeline events in the chain; /);

      // upgrade in place: as if the database were from the previous release (the last
      // migration, 12: calendar feeds and the hearings' time index, undone), reinstall;
      // postinst's init checks the key, backs the database up and migrates
      const latest = Number(sh("sqlite3 /var/lib/safeharbor/safeharbor.db 'PRAGMA user_version'"));
      assert.equal(latest, 12, 'a new migration: undo that one here instead');
      sh('sqlite3 /var/lib/safeharbor/safeharbor.db "DROP TABLE calendar_feeds; DROP INDEX hearings_at;' +
        ` PRAGMA user_version = ${latest - 1}"`);
      const up = run('dpkg', ['-i', DEB]);
      assert.equal(up.status, 0, up.stdout + up.stderr);
      assert.match(up.stderr + up.stdout, new RegExp(`schema ${latest - 1} -> ${latest}: backed up`));
      assert.ok(existsSync(`/var/lib/safeharbor/safeharbor.db.pre-v${latest}.bak`));
      assert.equal(sh("sqlite3 /var/lib/safeharbor/safeharbor.db 'PRAGMA user_version'"), String(latest));
      assert.equal(sh('stat -c %U /var/lib/safeharbor/safeharbor.db'), 'safeharbor');
      assert.equal(run('runuser', ['-u', 'safeharbor', '--', '/usr/bin/safeharbor', 'audit', 'verify'], { cwd: '/' }).status, 0);
    } finally {
      if (server) server.kill('SIGKILL');
      if (systemdRuns) run('systemctl', ['stop', 'safeharbor.service']);
      const purge = run('dpkg', ['--purge', 'safeharbor']);
      assert.equal(purge.status, 0, purge.stdout + purge.stderr);
      // this test's own synthetic database; a real one is never removed by the package
      assert.ok(existsSync('/var/lib/safeharbor/safeharbor.db'), 'purge keeps the data');
      rmSync('/var/lib/safeharbor', { recursive: true, force: true });
      run('userdel', ['safeharbor']);
      run('groupdel', ['safeharbor']);
    }
  });
