//! Runs the in-memory Atlas imitation from `integration_tests::atlas_server` until Ctrl-C, to
//! try a client against it by hand.
//!
//! ```text
//! cargo run -p integration-tests --bin atlas-local-server -- [--port N] [--snapshots N]
//! ```

use integration_tests::atlas_server::{
    AtlasServer, Credentials, DEFAULT_BEARER_TOKEN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, Dataset, Endpoint, ServerConfig,
};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const USAGE: &str = "\
usage: atlas-local-server [--port N] [--snapshots N]

  --port N       port to listen on at 127.0.0.1 (default 0: a free port)
  --snapshots N  snapshots of each kind for group 32b6e34b3d91647abb20e7b8,
                 cluster Cluster0 (default 25)";

/// The command line, parsed by hand: two numeric flags do not warrant an argument parser.
struct Args {
    port: u16,
    snapshots: usize,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 0,
        snapshots: 25,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "--snapshots" => {
                let value = inline
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))?;
                if flag == "--port" {
                    parsed.port = value
                        .parse()
                        .map_err(|_| format!("--port {value}: not a port number"))?;
                } else {
                    parsed.snapshots = value
                        .parse()
                        .map_err(|_| format!("--snapshots {value}: not a count"))?;
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("atlas-local-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = ServerConfig {
        credentials: Credentials::Any,
        dataset: Dataset::new()
            .with_tenant_snapshots(GROUP, CLUSTER, args.snapshots)
            .with_serverless_snapshots(GROUP, CLUSTER, args.snapshots)
            .with_legacy_snapshots(GROUP, CLUSTER, args.snapshots),
        ..ServerConfig::default()
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = match AtlasServer::start_on(config, addr).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("atlas-local-server: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let base = server.base_url();
    println!("Atlas imitation listening on {base}");
    println!();
    println!("Credentials (any of them):");
    println!(
        "  Digest API key:   public {DEFAULT_PUBLIC_KEY}, private {DEFAULT_PRIVATE_KEY} (MD5)"
    );
    println!(
        "  Service account:  client id {DEFAULT_CLIENT_ID}, secret {DEFAULT_CLIENT_SECRET}, token URL {}",
        server.token_url()
    );
    println!("  Bearer token:     {DEFAULT_BEARER_TOKEN}");
    println!();
    println!(
        "Data: group {GROUP}, cluster {CLUSTER}, {} snapshots of each kind:",
        args.snapshots
    );
    for endpoint in Endpoint::API {
        let path = endpoint.path(GROUP, CLUSTER, "{snapshotId}");
        println!("  GET {base}{path}");
    }
    println!();
    println!("Try:");
    println!(
        "  curl --digest -u {DEFAULT_PUBLIC_KEY}:{DEFAULT_PRIVATE_KEY} -H 'Accept: application/vnd.atlas.2023-01-01+json' \\\n    '{base}/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/snapshots?itemsPerPage=5'"
    );
    println!("Press Ctrl-C to stop.");

    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("atlas-local-server: cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    let stats = server.stats();
    println!(
        "\nStopping after {} API requests, {} challenges, {} token requests.",
        stats.total_api_requests(),
        stats.challenges,
        stats.token_requests
    );
    ExitCode::SUCCESS
}
