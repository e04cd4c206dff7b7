//! A real `ssh-agent` per test: `ssh-agent -a SOCK -D` in a temporary directory, killed when
//! dropped (also when the test panics).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{have_tool, run, tempdir};

/// A running ssh-agent. Fields drop in order: the agent stops, then its directory goes.
pub struct SshAgent {
    child: Child,
    sock: PathBuf,
    pub dir: tempfile::TempDir,
}

impl SshAgent {
    /// Starts an agent, or `None` (after a notice) when ssh-agent/ssh-add are not installed
    /// outside CI; in CI a missing tool fails the test.
    pub fn start() -> Option<SshAgent> {
        SshAgent::start_with_env(&[])
    }

    /// Starts an agent with `env` added to its environment (e.g. `SSH_ASKPASS`).
    pub fn start_with_env(env: &[(&str, &OsStr)]) -> Option<SshAgent> {
        if !(have_tool("ssh-agent") && have_tool("ssh-add")) {
            return None;
        }
        let dir = tempdir();
        let sock = dir.path().join("agent.sock");
        let mut cmd = Command::new("ssh-agent");
        cmd.arg("-a").arg(&sock).arg("-D");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start ssh-agent: {e}"));
        let agent = SshAgent { child, sock, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !agent.sock.exists() {
            assert!(
                Instant::now() < deadline,
                "ssh-agent did not create its socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(agent)
    }

    /// The agent's socket, for `SSH_AUTH_SOCK`.
    pub fn sock(&self) -> &Path {
        &self.sock
    }

    /// `keyconv` with `SSH_AUTH_SOCK` set to this agent and no passphrase in the environment.
    pub fn keyconv(&self) -> Command {
        let mut cmd = super::keyconv();
        cmd.env("SSH_AUTH_SOCK", &self.sock)
            .env_remove("KEYCONV_PASSPHRASE")
            .stdin(Stdio::null());
        cmd
    }

    /// `ssh-add ARGS` against this agent.
    pub fn ssh_add(&self, args: &[&str]) -> Output {
        run(Command::new("ssh-add")
            .args(args)
            .env("SSH_AUTH_SOCK", &self.sock)
            .stdin(Stdio::null()))
    }

    /// What `ssh-add -l` lists (empty when the agent holds nothing).
    pub fn listed(&self) -> String {
        // ssh-add -l exits 1 and says "The agent has no identities." when it holds nothing.
        let o = self.ssh_add(&["-l"]);
        if o.status.success() {
            String::from_utf8_lossy(&o.stdout).into_owned()
        } else {
            String::new()
        }
    }
}

impl Drop for SshAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
