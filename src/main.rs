fn main() -> std::process::ExitCode {
    keyconv::cli::main()
}
