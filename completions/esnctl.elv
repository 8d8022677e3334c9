
use builtin;
use str;

set edit:completion:arg-completer[esnctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'esnctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'esnctl'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand users 'Synchronise and list user accounts'
            cand content 'Check and describe content (posts, communities, attachments)'
            cand config 'Check the profiles file and endpoints'
            cand completions 'Print shell completions to stdout'
            cand man 'Write man pages into a folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;users'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sync 'Make DST''s users match SRC''s: create, update, deactivate (never delete), reactivate'
            cand list 'List the users of an endpoint'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;users;sync'= {
            cand --from 'Source endpoint (profile or URI); repeat to merge several directories'
            cand --to 'Destination endpoint (profile or URI)'
            cand --max-deactivations 'Refuse (exit 4) when the plan deactivates more than N users or P% of active users'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Show the plan without changing anything'
            cand --detailed-exitcode 'Exit 0 when nothing changed, 10 when the plan had changes'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'esnctl;users;list'= {
            cand --from 'Endpoint to list (profile or URI)'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'esnctl;users;help'= {
            cand sync 'Make DST''s users match SRC''s: create, update, deactivate (never delete), reactivate'
            cand list 'List the users of an endpoint'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;users;help;sync'= {
        }
        &'esnctl;users;help;list'= {
        }
        &'esnctl;users;help;help'= {
        }
        &'esnctl;content'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check every reference and checksum of a content source; exit 3 when a problem is found'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;content;validate'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'esnctl;content;help'= {
            cand validate 'Check every reference and checksum of a content source; exit 3 when a problem is found'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;content;help;validate'= {
        }
        &'esnctl;content;help;help'= {
        }
        &'esnctl;config'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Check the profiles file, and that each endpoint (or EP) is usable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;config;check'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'esnctl;config;help'= {
            cand check 'Check the profiles file, and that each endpoint (or EP) is usable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;config;help;check'= {
        }
        &'esnctl;config;help;help'= {
        }
        &'esnctl;completions'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'esnctl;man'= {
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand -q 'Only print errors on stderr'
            cand --quiet 'Only print errors on stderr'
            cand -v 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --verbose 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter'
            cand --no-progress 'Hide progress bars (they are also hidden when stderr is not a terminal)'
            cand --yes 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'esnctl;help'= {
            cand users 'Synchronise and list user accounts'
            cand content 'Check and describe content (posts, communities, attachments)'
            cand config 'Check the profiles file and endpoints'
            cand completions 'Print shell completions to stdout'
            cand man 'Write man pages into a folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;help;users'= {
            cand sync 'Make DST''s users match SRC''s: create, update, deactivate (never delete), reactivate'
            cand list 'List the users of an endpoint'
        }
        &'esnctl;help;users;sync'= {
        }
        &'esnctl;help;users;list'= {
        }
        &'esnctl;help;content'= {
            cand validate 'Check every reference and checksum of a content source; exit 3 when a problem is found'
        }
        &'esnctl;help;content;validate'= {
        }
        &'esnctl;help;config'= {
            cand check 'Check the profiles file, and that each endpoint (or EP) is usable'
        }
        &'esnctl;help;config;check'= {
        }
        &'esnctl;help;completions'= {
        }
        &'esnctl;help;man'= {
        }
        &'esnctl;help;help'= {
        }
    ]
    $completions[$command]
}
