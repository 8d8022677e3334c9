fn main() -> std::process::ExitCode {
    esnctl::cli::main()
}
