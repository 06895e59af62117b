//! `network.listening`: the ports the host listens on, from /proc/net/{tcp,tcp6,udp,udp6}:
//! TCP sockets in LISTEN and UDP sockets bound without a peer, with their address, port,
//! owning uid and, when /proc/<pid>/fd could be read, the process that holds them.
//!
//! The kernel prints addresses as hex words in host byte order; posture's collector runs
//! on the host it reads, so they are decoded little-endian (every Linux platform Azure and
//! the major clouds run is little-endian).

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, section, Ctx, Probe};
use super::users::Users;

const TABLES: &[(&str, &str, &str)] = &[
    ("/proc/net/tcp", "tcp", "ipv4"),
    ("/proc/net/tcp6", "tcp", "ipv6"),
    ("/proc/net/udp", "udp", "ipv4"),
    ("/proc/net/udp6", "udp", "ipv6"),
];

/// TCP_LISTEN in the kernel's state numbering.
const TCP_LISTEN: &str = "0A";

/// One listening socket.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Listener {
    pub protocol: &'static str,
    pub port: u16,
    pub family: &'static str,
    pub address: String,
    pub uid: Option<u32>,
    pub inode: u64,
}

/// `0100007F:0016` -> (127.0.0.1, 22); 32 hex digits for IPv6.
pub(crate) fn decode(hex: &str) -> Option<(String, u16)> {
    let (addr, port) = hex.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let words: Vec<u32> = (0..addr.len() / 8)
        .map(|i| {
            addr.get(i * 8..i * 8 + 8)
                .and_then(|w| u32::from_str_radix(w, 16).ok())
        })
        .collect::<Option<_>>()?;
    let ip = match words.as_slice() {
        [w] if addr.len() == 8 => Ipv4Addr::from(w.swap_bytes()).to_string(),
        [a, b, c, d] if addr.len() == 32 => {
            let mut bytes = [0u8; 16];
            for (chunk, w) in bytes.chunks_mut(4).zip([a, b, c, d]) {
                chunk.copy_from_slice(&w.to_le_bytes());
            }
            Ipv6Addr::from(bytes).to_string()
        }
        _ => return None,
    };
    Some((ip, port))
}

/// The listening sockets of one table's text.
pub(crate) fn parse_table(
    text: &str,
    protocol: &'static str,
    family: &'static str,
) -> Vec<Listener> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (local, remote, state) = (f.get(1)?, f.get(2)?, f.get(3)?);
            let listening = match protocol {
                "tcp" => *state == TCP_LISTEN,
                // A UDP socket that receives from anyone has no peer.
                _ => decode(remote).is_some_and(|(_, port)| port == 0),
            };
            if !listening {
                return None;
            }
            let (address, port) = decode(local)?;
            Some(Listener {
                protocol,
                port,
                family,
                address,
                uid: f.get(7).and_then(|u| u.parse().ok()),
                inode: f.get(9).and_then(|i| i.parse().ok()).unwrap_or(0),
            })
        })
        .collect()
}

/// The `network` section and the `listening-ports` probe.
pub(crate) fn probe(
    ctx: &Ctx,
    users: &Users,
    owners: &BTreeMap<u64, (u32, String)>,
) -> (Value, Probe) {
    let mut found: BTreeSet<Listener> = BTreeSet::new();
    let mut read_any = false;
    let mut reasons = Vec::new();
    for (path, protocol, family) in TABLES {
        match ctx.read_text(path) {
            Ok(text) => {
                read_any = true;
                found.extend(parse_table(&text, protocol, family));
            }
            // No IPv6 (or no UDP) table: the kernel has none of those sockets.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => reasons.push(cannot_read(path, &e, None)),
        }
    }
    let source = TABLES
        .iter()
        .map(|(p, _, _)| *p)
        .collect::<Vec<_>>()
        .join(", ");
    let mut fields = Map::new();
    if !read_any {
        if reasons.is_empty() {
            reasons.push("no /proc/net/tcp, tcp6, udp or udp6".into());
        }
        fields.insert("listening".into(), Value::Null);
        let p = Probe::unknown("listening-ports", source, reasons.join("; "));
        return (section(&[&p], fields), p);
    }
    let listening: Vec<Value> = found
        .into_iter()
        .map(|l| {
            let owner = owners.get(&l.inode).filter(|_| l.inode != 0);
            json!({
                "protocol": l.protocol,
                "family": l.family,
                "address": l.address,
                "port": l.port,
                "uid": l.uid,
                "user": l.uid.and_then(|u| users.user_name(u)),
                "pid": owner.map(|(pid, _)| *pid),
                "process": owner.map(|(_, name)| name.clone()),
            })
        })
        .collect();
    fields.insert("listening".into(), Value::Array(listening));
    let p = Probe::ok("listening-ports", source);
    (section(&[&p], fields), p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::testutil::{ctx, host};

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 2002 1\n   2: 0A14010A:0016 0500140A:9C46 01 00000000:00000000 00:00000000 00000000     0        0 2003 1\n";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2004 1\n   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2005 1\n";
    const UDP: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n  0: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2006 2\n  1: 0A14010A:A1B2 08080808:0035 01 00000000:00000000 00:00000000 00000000     0        0 2007 2\n";

    #[test]
    fn addresses_decode_little_endian() {
        assert_eq!(decode("0100007F:0016"), Some(("127.0.0.1".into(), 22)));
        assert_eq!(
            decode("00000000000000000000000001000000:0277"),
            Some(("::1".into(), 631))
        );
        assert_eq!(decode("zz:0016"), None);
    }

    #[test]
    fn only_listening_sockets_with_their_process() {
        let (_d, h) = host(&[
            ("/etc/passwd", "root:x:0:0::/root:/bin/bash\n"),
            ("/proc/net/tcp", TCP),
            ("/proc/net/tcp6", TCP6),
            ("/proc/net/udp", UDP),
        ]);
        let c = ctx(&h, false);
        let owners = BTreeMap::from([(2001, (812, "sshd".to_string()))]);
        let (v, p) = probe(&c, &Users::load(&c), &owners);
        assert!(p.is_ok());
        let got: Vec<String> = v["listening"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{} {} {}", l["protocol"], l["address"], l["port"]))
            .collect();
        assert_eq!(
            got,
            vec![
                "\"tcp\" \"0.0.0.0\" 22",
                "\"tcp\" \"::\" 22",
                "\"tcp\" \"::1\" 631",
                "\"tcp\" \"127.0.0.1\" 3306",
                "\"udp\" \"0.0.0.0\" 68",
            ]
        );
        let ssh = &v["listening"][0];
        assert_eq!(
            (ssh["pid"].as_u64(), ssh["process"].as_str()),
            (Some(812), Some("sshd"))
        );
        assert_eq!(ssh["user"], "root");
        assert_eq!(v["listening"][3]["user"], Value::Null);
    }

    #[test]
    fn no_tables_is_unknown() {
        let (_d, h) = host(&[("/etc/hostname", "x")]);
        let c = ctx(&h, false);
        let (v, p) = probe(&c, &Users::load(&c), &BTreeMap::new());
        assert!(!p.is_ok());
        assert_eq!(v["listening"], Value::Null);
    }
}
