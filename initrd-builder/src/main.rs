//! # initrd-builder
//!
//! Packs user programs and data files into an initrd for the kernel: a cpio archive in the "newc" format (the
//! one Linux uses), so ordinary tools read it too (`cpio -t < initrd.cpio`).
//!
//! ```text
//! initrd-builder create -o OUT.cpio [--mode OCTAL | --dir PATH[:MODE] | PATH_IN_IMAGE=HOST | HOST_FILE]...
//! initrd-builder list IMAGE.cpio
//! ```
//!
//! ## `create`
//!
//! Items are handled in command-line order:
//!
//! - a bare `HOST_FILE` is a program, placed at `/bin/<file name>` with mode `0o755` (what the
//!   Makefile passes);
//! - `PATH_IN_IMAGE=HOST` (split at the first `=`) places a host file with the host file's
//!   permission bits, or packs a host directory recursively (sorted by name, host modes;
//!   `/=HOST_DIR` packs its contents at the root); symbolic links and special files inside are
//!   refused;
//! - `--mode OCTAL` sets the mode of the files of the inputs after it;
//! - `--dir PATH[:MODE]` (split at the last `:`) adds an empty directory, mode `0o755` by
//!   default.
//!
//! A file with any execute bit must be a program the kernel can load: it is checked with
//! `initrd::elf::parse_executable` against the user-image area of `abi::layout`
//! (`USER_IMAGE_START..USER_IMAGE_END`), the same check the kernel's loader makes. Other files
//! are data, packed as they are. Missing parent directories are added with mode `0o755`. The
//! image path must be at most 255 bytes (without the leading `/`), have no empty, `.` or `..`
//! component, and be unique.
//!
//! The image is built in memory, written to a temporary file next to `OUT` and renamed over
//! `OUT` only when complete: after any error `OUT` is exactly as it was before (absent or
//! unchanged) and no temporary file is left behind.
//!
//! ## `list`
//!
//! Prints one line per entry: the mode in octal, the size in bytes and the path, e.g.
//!
//! ```text
//! 040755          0 /bin
//! 100755      12345 /bin/init
//! ```
//!
//! ## Errors and exit status
//!
//! Any refusal prints one line on stderr, `initrd-builder: error: <file or argument>: <reason>`,
//! and exits with status 1 (2 for a malformed argument or other usage error). The full format
//! and the rules are described in `docs/initrd.md`.

#![forbid(unsafe_code)]

mod atomic;
mod create;

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use initrd::cpio::Archive;

/// Command-line interface.
#[derive(Debug, Parser)]
#[command(
    name = "initrd-builder",
    version,
    about = "Packs user programs and data files into a cpio newc initrd"
)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Create an initrd from user programs (static i386 ELF executables), data files and
    /// directories.
    Create {
        /// The image to write (replaced atomically; untouched on error).
        #[arg(short, long, value_name = "OUT.cpio")]
        output: PathBuf,
        /// Mode (octal, e.g. 644) of the files of the inputs that follow it.
        #[arg(long, value_name = "OCTAL")]
        mode: Vec<OsString>,
        /// Adds an empty directory (mode 755 unless given, e.g. /tmp:1777).
        #[arg(long, value_name = "PATH[:MODE]")]
        dir: Vec<OsString>,
        /// Files to pack: PATH_IN_IMAGE=HOST_FILE (host mode; a host directory is packed
        /// recursively), or HOST_FILE for the program /bin/FILE_NAME (mode 755).
        #[arg(value_name = "[PATH_IN_IMAGE=]HOST_FILE")]
        inputs: Vec<OsString>,
    },
    /// List the entries of an initrd: mode (octal), size, path.
    List {
        /// The image to read.
        #[arg(value_name = "IMAGE.cpio")]
        image: PathBuf,
    },
}

/// Why a command failed: printed as one line, `initrd-builder: error: <subject>: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file or argument at fault.
    pub subject: String,
    /// What is wrong with it.
    pub reason: String,
    /// Whether this is a usage error (a malformed argument) rather than a bad file.
    pub usage: bool,
}

impl Failure {
    /// A failure caused by a file (exit status 1).
    pub fn file(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            reason: reason.into(),
            usage: false,
        }
    }

    /// A malformed argument (exit status 2).
    pub fn usage(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            reason: reason.into(),
            usage: true,
        }
    }
}

/// The `create` items in command-line order: `--mode` applies to the inputs after it.
fn create_args(matches: &ArgMatches) -> Vec<create::Arg> {
    let mut args: Vec<(usize, create::Arg)> = Vec::new();
    let mut collect = |id: &str, make: fn(OsString) -> create::Arg| {
        if let (Some(values), Some(indices)) =
            (matches.get_many::<OsString>(id), matches.indices_of(id))
        {
            args.extend(indices.zip(values.map(|v| make(v.clone()))));
        }
    };
    collect("mode", create::Arg::Mode);
    collect("dir", create::Arg::Dir);
    collect("inputs", create::Arg::Input);
    args.sort_by_key(|(index, _)| *index);
    args.into_iter().map(|(_, arg)| arg).collect()
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Create { output, .. } => {
            let sub = matches
                .subcommand_matches("create")
                .expect("the create subcommand was parsed");
            create::run(&output, &create_args(sub))
        }
        Command::List { image } => list(&image),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // Keep the message on one line even if a reason carried a line break.
            let line = format!("{}: {}", failure.subject, failure.reason).replace('\n', " ");
            eprintln!("initrd-builder: error: {line}");
            ExitCode::from(if failure.usage { 2 } else { 1 })
        }
    }
}

/// `initrd-builder list IMAGE`.
fn list(image: &std::path::Path) -> Result<(), Failure> {
    let subject = image.display().to_string();
    let bytes =
        std::fs::read(image).map_err(|e| Failure::file(&subject, format!("cannot read: {e}")))?;
    let archive = Archive::parse(&bytes)
        .map_err(|e| Failure::file(&subject, format!("not a valid cpio newc archive: {e}")))?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = archive
        .entries()
        .try_for_each(|e| writeln!(out, "{:06o} {:>10} /{}", e.mode, e.data.len(), e.path))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        // The reader went away (`| head`): not an error of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::file(
            "standard output",
            format!("cannot write the listing: {e}"),
        )),
    }
}
