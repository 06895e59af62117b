//! `posture collect`: one Linux host's security state as an agent snapshot
//! (`schemas/agent-snapshot.schema.json`).
//!
//! Everything goes through [`HostAccess`], so the collector reads a live system
//! ([`RealHost`] at `/`), a mounted image ([`RealHost`] elsewhere) or a fixture
//! ([`FakeHost`]) the same way. Collection never fails: a probe that cannot read its source
//! is recorded in `probes` as `unknown` with a reason, and the values it would have given
//! are null, never guessed. It runs without root (with less data), never uses the network,
//! never installs or changes anything, runs commands only when allowed (no shell, C
//! locale, a timeout), and its output is deterministic: sorted lists, sorted keys, and the
//! caller's `now` as the only clock.

mod accounts;
mod authkeys;
mod authlog;
mod clock;
mod endpoint;
mod events;
mod fake;
mod files;
mod glob;
mod host;
mod logging;
mod logindefs;
mod modules;
mod os;
mod packages;
mod probe;
mod processes;
mod services;
mod shellhistory;
mod sockets;
mod sshd;
mod sysctl;
mod tz;
mod updates;
mod users;

use std::path::PathBuf;

use serde_json::{json, Map, Value};

pub use fake::FakeHost;
pub use host::{CommandOutput, FileInfo, HostAccess, RealHost, MAX_READ};

use probe::{Ctx, Probe};

/// The agent name written into snapshots.
pub const AGENT_NAME: &str = "posture-collect";

/// How to collect.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// `/` normally; another folder for an image or a fixture. Informational for the
    /// collector: the [`HostAccess`] given to [`collect`] decides where reads go.
    pub root: PathBuf,
    /// `collectedAt`, RFC 3339, from the caller's clock. Signature ages and syslog years
    /// are computed against it.
    pub now: String,
    /// The cloud resource id of this machine, when known (`host.resourceId`).
    pub resource_id: Option<String>,
    /// Whether read-only commands (`sshd -T`, `apt-get -s`, `systemctl`, ...) may run.
    pub run_commands: bool,
}

/// Collects a snapshot. Never fails: see the module documentation.
pub fn collect(opts: &CollectOptions, host: &dyn HostAccess) -> Value {
    let ctx = Ctx {
        host,
        run_commands: opts.run_commands,
        now: clock::parse_rfc3339(&opts.now),
    };
    let mut probes: Vec<Probe> = Vec::new();

    let users = users::Users::load(&ctx);
    let packages = packages::load(&ctx);
    let zone = tz::LocalZone::load(&ctx);

    let (host_value, p) = os::probe(&ctx, opts.resource_id.as_deref());
    probes.extend(p);
    let (updates, p) = updates::probe(&ctx, &packages);
    probes.extend(p);
    let (services, p, enabled) = services::probe(&ctx, &packages);
    probes.extend(p);
    let (endpoint, p) = endpoint::probe(&ctx, &packages, enabled.as_ref());
    probes.push(p);
    let (sshd, p, sshd_settings) = sshd::probe(&ctx);
    probes.push(p);
    let (sysctl, p) = sysctl::probe(&ctx);
    probes.push(p);
    let (files, p) = files::probe(&ctx, &users);
    probes.push(p);
    let (login_defs, p) = logindefs::probe(&ctx);
    probes.push(p);
    let (accounts, p) = accounts::probe(&ctx, &users);
    probes.extend(p);
    let (modules, p) = modules::probe(&ctx);
    probes.extend(p);
    let procs = processes::probe(&ctx, &users);
    let (network, p) = sockets::probe(&ctx, &users, &procs.sockets);
    probes.push(p);
    let (logging, p) = logging::probe(&ctx, &packages, enabled.as_ref(), procs.names.as_ref());
    probes.push(p);
    let ev = events::probe(&ctx, &zone);
    let (keys, unreadable, keys_probe) = authkeys::probe(&ctx, &users, sshd_settings.as_ref());
    let (history, history_unreadable, history_probe) = shellhistory::probe(&ctx, &users);

    let mut event_fields = Map::new();
    event_fields.insert("authentication".into(), ev.authentication);
    event_fields.insert("privilege".into(), ev.privilege);
    event_fields.insert("accountChanges".into(), ev.account_changes);
    event_fields.insert("authorizedKeys".into(), keys);
    event_fields.insert("authorizedKeysUnreadable".into(), unreadable);
    event_fields.insert("shellHistory".into(), history);
    event_fields.insert("shellHistoryUnreadable".into(), history_unreadable);
    let events = probe::section(
        &[
            &ev.auth_probe,
            &ev.privilege_probe,
            &keys_probe,
            &history_probe,
        ],
        event_fields,
    );
    probes.push(ev.auth_probe);
    probes.push(ev.privilege_probe);
    probes.push(keys_probe);
    probes.push(history_probe);
    probes.push(procs.probe);
    probes.sort_by(|a, b| a.name.cmp(b.name));

    json!({
        "schemaVersion": "1",
        "kind": "posture-agent-snapshot",
        "collectedAt": opts.now,
        "agent": {"name": AGENT_NAME, "version": env!("CARGO_PKG_VERSION")},
        "host": host_value,
        "probes": probes.iter().map(Probe::to_json).collect::<Vec<_>>(),
        "updates": updates,
        "endpointProtection": endpoint,
        "baseline": {
            "sshd": sshd,
            "sysctl": sysctl,
            "files": files,
            "loginDefs": login_defs,
            "accounts": accounts,
            "services": services,
            "kernelModules": modules,
            "logging": logging,
        },
        "events": events,
        "processes": procs.section,
        "network": network,
    })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;
