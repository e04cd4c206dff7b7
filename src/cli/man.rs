//! `keyconv man`: the manual page (roff), made by clap_mangen from the command line's own
//! declaration: the main page, then a section for each command with its options.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

use super::Failure;
use super::args::Cli;
use super::output::stdout_error;

pub(crate) fn run() -> Result<(), Failure> {
    let command = Cli::command();
    let mut page = Vec::new();
    let man = Man::new(command.clone());
    let rendered = man
        .render_title(&mut page)
        .and_then(|()| man.render_name_section(&mut page))
        .and_then(|()| man.render_synopsis_section(&mut page))
        .and_then(|()| man.render_description_section(&mut page))
        .and_then(|()| man.render_subcommands_section(&mut page))
        .and_then(|()| render_commands(&command, "keyconv", &mut page))
        .and_then(|()| man.render_version_section(&mut page));
    rendered.map_err(stdout_error)?;
    let mut out = io::stdout().lock();
    out.write_all(&page)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// A section per command (recursively: `authorized-keys add` …): its synopsis and options.
fn render_commands(command: &clap::Command, path: &str, page: &mut Vec<u8>) -> io::Result<()> {
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{path} {}", sub.get_name());
        let mut heading = Roff::new();
        heading.control("SH", [name.to_uppercase().as_str()]);
        if let Some(about) = sub.get_about() {
            heading.text([roman(about.to_string())]);
        }
        heading.to_writer(page)?;
        let man = Man::new(sub.clone().name(name.clone()));
        man.render_synopsis_section(page)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(page)?;
        }
        render_commands(sub, &name, page)?;
    }
    Ok(())
}
