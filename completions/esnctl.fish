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
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "rollout" -d 'Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort'
complete -c esnctl -n "__fish_esnctl_needs_command" -f -a "report" -d 'Measure adoption: activation, readers, contributors, unanswered questions'
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
complete -c esnctl -n "__fish_esnctl_using_subcommand content; and __fish_seen_subcommand_from copy" -l concurrency -d 'Records written at once to a server destination (one ordered lane per community)' -r
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
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "plan" -d 'Show each phase: audience size, who is new in it, communities and gate'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "status" -d 'Show the current phase, its gate checks (want/got/passed) and the next audience'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "advance" -d 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase\'s gate fails, unless --force)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "pause" -d 'Block `advance` until `resume`'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "resume" -d 'Allow `advance` again after `pause`'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "abort" -d 'Stop the rollout for good (provisioned accounts stay)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and not __fish_seen_subcommand_from plan status advance pause resume abort help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l plan -d 'Rollout plan file (TOML)' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l state -d 'State file [default: beside the plan, PLAN.state.sqlite]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l concurrency -d 'Requests in flight at once against server endpoints' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l dry-run -d 'Accepted for symmetry: plan and status never change anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l plan -d 'Rollout plan file (TOML)' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l state -d 'State file [default: beside the plan, PLAN.state.sqlite]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l concurrency -d 'Requests in flight at once against server endpoints' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l html -d 'Also write the current phase\'s adoption report, drawn against its gate, as a self-contained HTML page' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l dry-run -d 'Accepted for symmetry: plan and status never change anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l plan -d 'Rollout plan file (TOML)' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l state -d 'State file [default: beside the plan, PLAN.state.sqlite]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l reason -d 'Why (recorded in the state file with the transition; required with --force)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l concurrency -d 'Requests in flight at once against server endpoints' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l dry-run -d 'Show what advance would do without changing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l force -d 'Advance even though the current phase\'s gate fails (needs --reason)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from advance" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l plan -d 'Rollout plan file (TOML)' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l state -d 'State file [default: beside the plan, PLAN.state.sqlite]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l reason -d 'Why (recorded in the state file)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l dry-run -d 'Show what would change without changing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l plan -d 'Rollout plan file (TOML)' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l state -d 'State file [default: beside the plan, PLAN.state.sqlite]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l reason -d 'Why (recorded in the state file)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l dry-run -d 'Show what would change without changing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l plan -d 'Rollout plan file (TOML)' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l state -d 'State file [default: beside the plan, PLAN.state.sqlite]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l reason -d 'Why (recorded in the state file)' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l dry-run -d 'Show what would change without changing anything'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Show each phase: audience size, who is new in it, communities and gate'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the current phase, its gate checks (want/got/passed) and the next audience'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "advance" -d 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase\'s gate fails, unless --force)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Block `advance` until `resume`'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Allow `advance` again after `pause`'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "abort" -d 'Stop the rollout for good (provisioned accounts stay)'
complete -c esnctl -n "__fish_esnctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -f -a "adoption" -d 'Activation, readers, contributors, unanswered questions, per community and per week'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and not __fish_seen_subcommand_from adoption help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l from -d 'Platform or export to measure (profile or URI), e.g. matrix+https://matrix.corp' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l since -d 'Start of the window: an age (30d, 4w, 12h), a date (2026-10-01) or a timestamp' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l until -d 'End of the window (same forms as --since) [default: now]' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l sla -d 'Hours within which a question must get an answer from another person' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l top -d 'How many top contributors to list' -r
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l html -d 'Also write a self-contained HTML page with charts to FILE' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -s c -l config -d 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]' -r -F
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -s o -l output -d 'Result format on stdout' -r -f -a "table\t''
json\t''
csv\t''"
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -s q -l quiet -d 'Only print errors on stderr'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -s v -l verbose -d 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l no-progress -d 'Hide progress bars (they are also hidden when stderr is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -l yes -d 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -s h -l help -d 'Print help'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from adoption" -s V -l version -d 'Print version'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "adoption" -d 'Activation, readers, contributors, unanswered questions, per community and per week'
complete -c esnctl -n "__fish_esnctl_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "users" -d 'Synchronise and list user accounts'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "communities" -d 'Create, update and list communities from a manifest'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "content" -d 'Copy, check and count content (communities, posts, threads, reactions, files)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "rollout" -d 'Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "report" -d 'Measure adoption: activation, readers, contributors, unanswered questions'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "config" -d 'Check the profiles file and endpoints'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "completions" -d 'Print shell completions to stdout'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "man" -d 'Write man pages into a folder'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and not __fish_seen_subcommand_from users communities content rollout report config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "sync" -d 'Make DST\'s users match SRC\'s: create, update, deactivate (never delete), reactivate'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List the users of an endpoint'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from communities" -f -a "apply" -d 'Create and update DST\'s communities and memberships from a manifest (CSV or TOML)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from communities" -f -a "list" -d 'List the communities of an endpoint with their member counts'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from content" -f -a "validate" -d 'Check every reference and checksum of a content source; exit 3 when a problem is found'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from content" -f -a "copy" -d 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from content" -f -a "stats" -d 'Count the users, communities, posts, replies, reactions and attachments of SRC'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "plan" -d 'Show each phase: audience size, who is new in it, communities and gate'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Show the current phase, its gate checks (want/got/passed) and the next audience'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "advance" -d 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase\'s gate fails, unless --force)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "pause" -d 'Block `advance` until `resume`'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "resume" -d 'Allow `advance` again after `pause`'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "abort" -d 'Stop the rollout for good (provisioned accounts stay)'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from report" -f -a "adoption" -d 'Activation, readers, contributors, unanswered questions, per community and per week'
complete -c esnctl -n "__fish_esnctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Check the profiles file, and that each endpoint (or EP) is usable'
