// mimalloc rather than glibc's malloc: a directory read allocates for every BER tag
// (ldap3's parser) and every user field, and glibc's malloc and free were about 40 % of
// the CPU of a 100k-user LDAP sync; with mimalloc the whole run takes about 40 % less CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tune_allocator();
    esnctl::cli::main()
}

/// mimalloc gives freed memory back to the system `purge_delay` ms after it was freed
/// (1 s by default in the mimalloc 3 that libmimalloc-sys builds): a 100k-user dry run
/// then peaked at 166 MB instead of 115. 10 ms keeps the peak within 5 MB of purging at
/// once, yet memory freed by one page of entries is still there for the next (purging
/// at once faulted 3.5 times as many pages back in). `MIMALLOC_PURGE_DELAY` in the
/// environment still wins.
fn tune_allocator() {
    // `mi_option_purge_delay` of mimalloc.h; the Rust bindings name no constant for it.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option, which mimalloc reads when it purges.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
}
