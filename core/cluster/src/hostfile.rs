//! Hostfiles — timely's convention: line *i* is the `HOST:PORT` process *i*
//! listens on — and the free loopback ports of a local run.
//!
//! Blank lines and lines starting with `#` are skipped, so an example can
//! carry comments; every other line must be one address, each address once.

use std::fmt::Write as _;
use std::net::TcpListener;

/// The addresses of the processes, in process order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hostfile {
    addresses: Vec<String>,
}

impl Hostfile {
    /// Parses a hostfile's text; errors name the line.
    pub fn parse(text: &str) -> Result<Hostfile, String> {
        let mut addresses: Vec<String> = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let address =
                check_address(line).map_err(|why| format!("line {}: {why}", number + 1))?;
            if let Some(first) = addresses.iter().position(|a| *a == address) {
                return Err(format!(
                    "line {}: `{address}` is already process {first}'s address",
                    number + 1
                ));
            }
            addresses.push(address);
        }
        if addresses.is_empty() {
            return Err("has no HOST:PORT line".to_string());
        }
        Ok(Hostfile { addresses })
    }

    /// Local processes on 127.0.0.1 at the given ports.
    pub fn loopback(ports: &[u16]) -> Hostfile {
        Hostfile {
            addresses: ports.iter().map(|p| format!("127.0.0.1:{p}")).collect(),
        }
    }

    pub fn processes(&self) -> usize {
        self.addresses.len()
    }

    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }

    pub fn address(&self, process: usize) -> &str {
        self.addresses.get(process).map_or("", String::as_str)
    }

    /// The host part of process `process`'s address.
    pub fn host(&self, process: usize) -> String {
        let address = self.address(process);
        address
            .rsplit_once(':')
            .map_or(address, |(host, _)| host)
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string()
    }

    /// The file's text, one address per line.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for address in &self.addresses {
            let _ = writeln!(text, "{address}");
        }
        text
    }
}

fn check_address(line: &str) -> Result<String, String> {
    let Some((host, port)) = line.rsplit_once(':') else {
        return Err(format!("`{line}` is not HOST:PORT (no port)"));
    };
    if host.is_empty() {
        return Err(format!("`{line}` is not HOST:PORT (no host)"));
    }
    if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
        return Err(format!(
            "`{line}` is not HOST:PORT (write an IPv6 host in brackets: [::1]:2101)"
        ));
    }
    if host.chars().any(char::is_whitespace) {
        return Err(format!("`{line}` is not HOST:PORT (a space in the host)"));
    }
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!(
            "`{line}` is not HOST:PORT (the port must be 1 to 65535, got `{port}`)"
        )),
        Ok(_) => Ok(line.to_string()),
    }
}

/// `count` ports on 127.0.0.1 that were free a moment ago: the kernel picks
/// them (bind to port 0), then the listeners are closed for timely to bind.
/// Another program may take one in between; the caller retries then.
pub fn free_loopback_ports(count: usize) -> std::io::Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments_blank_lines_and_ipv6() {
        let hostfile =
            Hostfile::parse("# two hosts\n10.0.0.1:2101\n\n  node-b.example:2101  \n[::1]:9000\n")
                .unwrap();
        assert_eq!(hostfile.processes(), 3);
        assert_eq!(hostfile.address(1), "node-b.example:2101");
        assert_eq!(hostfile.host(0), "10.0.0.1");
        assert_eq!(hostfile.host(2), "::1");
        assert_eq!(Hostfile::parse(&hostfile.to_text()).unwrap(), hostfile);
    }

    #[test]
    fn malformed_lines_are_named() {
        let check = |text: &str, expected: &str| {
            let error = Hostfile::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        };
        check(
            "10.0.0.1:2101\nlocalhost\n",
            "line 2: `localhost` is not HOST:PORT (no port)",
        );
        check(
            "h:0\n",
            "line 1: `h:0` is not HOST:PORT (the port must be 1 to 65535, got `0`)",
        );
        check("h:99999\n", "got `99999`");
        check(":2101\n", "(no host)");
        check("::1:2101\n", "IPv6 host in brackets");
        check("a b:1\n", "a space in the host");
        check("h:1\nh:1\n", "line 2: `h:1` is already process 0's address");
        check("# only a comment\n", "has no HOST:PORT line");
    }

    #[test]
    fn free_ports_are_distinct_and_bindable() {
        let ports = free_loopback_ports(3).unwrap();
        assert_eq!(ports.len(), 3);
        assert!(ports.iter().all(|&p| p > 0));
        let mut sorted = ports.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 3);
        for port in ports {
            TcpListener::bind(("127.0.0.1", port)).unwrap();
        }
    }
}
