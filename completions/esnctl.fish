# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_esnctl_global_optspecs
    string join \n c/config= o/output= q/quiet v/verbose no-progress yes h/help V/version
end

function __fish_esnctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_esnctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_esnctl_using_subcommand
    set -l cmd (__fish_esnctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c esnctl -n "__fish_esnctl_needs_command" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_needs_command" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_needs_command" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_needs_command" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_needs_command" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_needs_command" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c esnctl -n "__fish_esnctl_needs_command" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "users" -d 'Synchronise and list user accounts'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "communities" -d 'Create, update and list communities from a manifest'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "content" -d 'Copy, check and count content (communities, posts, threads, reactions, files)'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "config" -d 'Check the profiles file and endpoints'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "completions" -d 'Print shell completions to stdout'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "man" -d 'Write man pages into a folder'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -f -a "sync" -d 'Make DST\'s users match SRC\'s: create, update, deactivate (never delete), reactivate'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -f -a "list" -d 'List the users of an endpoint'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and not __fish_seen_subcommand_from sync list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l from -d 'Source endpoint (profile or URI); repeat to merge several directories' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l to -d 'Destination endpoint (profile or URI)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l max-deactivations -d 'Refuse (exit 4) when the plan deactivates more than N users or P% of active users' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l concurrency -d 'Requests in flight at once against server endpoints' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l groups -d 'Also mirror the sources\' groups into DST\'s communities (all groups, or those FILTER selects: an LDAP filter, a group DN or a cn with * wildcards)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l dry-run -d 'Show the plan without changing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l detailed-exitcode -d 'Exit 0 when nothing changed, 10 when the plan had changes'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from sync" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -l from -d 'Endpoint to list (profile or URI)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Make DST\'s users match SRC\'s: create, update, deactivate (never delete), reactivate'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the users of an endpoint'
complete -c esnctl -n "__fish_esnctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -f -a "apply" -d 'Create and update DST\'s communities and memberships from a manifest (CSV or TOML)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -f -a "list" -d 'List the communities of an endpoint with their member counts'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and not __fish_seen_subcommand_from apply list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l to -d 'Destination endpoint (profile or URI)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l directory -d 'Directory (LDAP or LDIF) that resolves `group` fields and people not yet on DST' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l concurrency -d 'Requests in flight at once against server endpoints' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l dry-run -d 'Show the plan without changing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l prune -d 'Archive DST communities the manifest does not list (their content is kept)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l detailed-exitcode -d 'Exit 0 when nothing changed, 10 when the plan had changes'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -l from -d 'Endpoint to list (profile or URI)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Create and update DST\'s communities and memberships from a manifest (CSV or TOML)'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the communities of an endpoint with their member counts'
complete -c esnctl -n "__fish_esnctl_using_subcommand communities; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -f -a "validate" -d 'Check every reference and checksum of a content source; exit 3 when a problem is found'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -f -a "copy" -d 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -f -a "stats" -d 'Count the users, communities, posts, replies, reactions and attachments of SRC'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and not __fish_seen_subcommand_from validate copy stats help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l from -d 'Content source (profile or URI), e.g. slack-export:export.zip' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l to -d 'Destination (profile or URI), e.g. bundle:./migration' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l user-map -d 'CSV (source,target) mapping source user ids, usernames or emails to destination usernames' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l unmapped -d 'What to do with content of users nobody maps [default: placeholder with --user-map, else create]' -r -f -a "placeholder\t'Attribute it to one placeholder account ("former employee")'
create\t'Create the user on the destination as it is in the source'
skip\t'Leave their posts, reactions and memberships out (listed in the report)'"
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l placeholder-user -d 'The placeholder account\'s username' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l community -d 'Only this community (key or name); repeat for several' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l since -d 'Only posts created at or after DATE (2024-01-31 or RFC 3339)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l until -d 'Only posts created before DATE' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l state -d 'Ledger of copied records [default: beside the destination, DST.esnctl-state.db]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l dry-run -d 'Count what would be copied without writing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check every reference and checksum of a content source; exit 3 when a problem is found'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Count the users, communities, posts, replies, reactions and attachments of SRC'
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Check the profiles file, and that each endpoint (or EP) is usable'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the profiles file, and that each endpoint (or EP) is usable'
complete -c esnctl -n "__fish_esnctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "users" -d 'Synchronise and list user accounts'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "communities" -d 'Create, update and list communities from a manifest'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "content" -d 'Copy, check and count content (communities, posts, threads, reactions, files)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "config" -d 'Check the profiles file and endpoints'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "completions" -d 'Print shell completions to stdout'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "man" -d 'Write man pages into a folder'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "sync" -d 'Make DST\'s users match SRC\'s: create, update, deactivate (never delete), reactivate'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List the users of an endpoint'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from communities" -f -a "apply" -d 'Create and update DST\'s communities and memberships from a manifest (CSV or TOML)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from communities" -f -a "list" -d 'List the communities of an endpoint with their member counts'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from content" -f -a "validate" -d 'Check every reference and checksum of a content source; exit 3 when a problem is found'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from content" -f -a "copy" -d 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from content" -f -a "stats" -d 'Count the users, communities, posts, replies, reactions and attachments of SRC'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Check the profiles file, and that each endpoint (or EP) is usable'
