//! The `abusedesk` binary: parses the command line and hands over to `abusedesk::cli`.
//! No modules are declared here (see lib.rs).

use std::process::ExitCode;

fn main() -> ExitCode {
    abusedesk::cli::main()
}
