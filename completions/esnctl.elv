
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
            cand communities 'Create, update and list communities from a manifest'
            cand content 'Copy, check and count content (communities, posts, threads, reactions, files)'
            cand rollout 'Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort'
            cand report 'Measure adoption: activation, readers, contributors, unanswered questions'
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
            cand --concurrency 'Requests in flight at once against server endpoints'
            cand --groups 'Also mirror the sources'' groups into DST''s communities (all groups, or those FILTER selects: an LDAP filter, a group DN or a cn with * wildcards)'
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
        &'esnctl;communities'= {
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
            cand apply 'Create and update DST''s communities and memberships from a manifest (CSV or TOML)'
            cand list 'List the communities of an endpoint with their member counts'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;communities;apply'= {
            cand --to 'Destination endpoint (profile or URI)'
            cand --directory 'Directory (LDAP or LDIF) that resolves `group` fields and people not yet on DST'
            cand --concurrency 'Requests in flight at once against server endpoints'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Show the plan without changing anything'
            cand --prune 'Archive DST communities the manifest does not list (their content is kept)'
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
        &'esnctl;communities;list'= {
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
        &'esnctl;communities;help'= {
            cand apply 'Create and update DST''s communities and memberships from a manifest (CSV or TOML)'
            cand list 'List the communities of an endpoint with their member counts'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;communities;help;apply'= {
        }
        &'esnctl;communities;help;list'= {
        }
        &'esnctl;communities;help;help'= {
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
            cand copy 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
            cand stats 'Count the users, communities, posts, replies, reactions and attachments of SRC'
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
        &'esnctl;content;copy'= {
            cand --from 'Content source (profile or URI), e.g. slack-export:export.zip'
            cand --to 'Destination (profile or URI), e.g. bundle:./migration'
            cand --user-map 'CSV (source,target) mapping source user ids, usernames or emails to destination usernames'
            cand --unmapped 'What to do with content of users nobody maps [default: placeholder with --user-map, else create]'
            cand --placeholder-user 'The placeholder account''s username'
            cand --community 'Only this community (key or name); repeat for several'
            cand --since 'Only posts created at or after DATE (2024-01-31 or RFC 3339)'
            cand --until 'Only posts created before DATE'
            cand --state 'Ledger of copied records [default: beside the destination, DST.esnctl-state.db]'
            cand --concurrency 'Records written at once to a server destination (one ordered lane per community)'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Count what would be copied without writing anything'
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
        }
        &'esnctl;content;stats'= {
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
            cand copy 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
            cand stats 'Count the users, communities, posts, replies, reactions and attachments of SRC'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;content;help;validate'= {
        }
        &'esnctl;content;help;copy'= {
        }
        &'esnctl;content;help;stats'= {
        }
        &'esnctl;content;help;help'= {
        }
        &'esnctl;rollout'= {
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
            cand plan 'Show each phase: audience size, who is new in it, communities and gate'
            cand status 'Show the current phase, its gate checks (want/got/passed) and the next audience'
            cand advance 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase''s gate fails, unless --force)'
            cand pause 'Block `advance` until `resume`'
            cand resume 'Allow `advance` again after `pause`'
            cand abort 'Stop the rollout for good (provisioned accounts stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;rollout;plan'= {
            cand --plan 'Rollout plan file (TOML)'
            cand --state 'State file [default: beside the plan, PLAN.state.sqlite]'
            cand --concurrency 'Requests in flight at once against server endpoints'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Accepted for symmetry: plan and status never change anything'
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
        &'esnctl;rollout;status'= {
            cand --plan 'Rollout plan file (TOML)'
            cand --state 'State file [default: beside the plan, PLAN.state.sqlite]'
            cand --concurrency 'Requests in flight at once against server endpoints'
            cand --html 'Also write the current phase''s adoption report, drawn against its gate, as a self-contained HTML page'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Accepted for symmetry: plan and status never change anything'
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
        &'esnctl;rollout;advance'= {
            cand --plan 'Rollout plan file (TOML)'
            cand --state 'State file [default: beside the plan, PLAN.state.sqlite]'
            cand --reason 'Why (recorded in the state file with the transition; required with --force)'
            cand --concurrency 'Requests in flight at once against server endpoints'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Show what advance would do without changing anything'
            cand --force 'Advance even though the current phase''s gate fails (needs --reason)'
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
        &'esnctl;rollout;pause'= {
            cand --plan 'Rollout plan file (TOML)'
            cand --state 'State file [default: beside the plan, PLAN.state.sqlite]'
            cand --reason 'Why (recorded in the state file)'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Show what would change without changing anything'
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
        &'esnctl;rollout;resume'= {
            cand --plan 'Rollout plan file (TOML)'
            cand --state 'State file [default: beside the plan, PLAN.state.sqlite]'
            cand --reason 'Why (recorded in the state file)'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Show what would change without changing anything'
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
        &'esnctl;rollout;abort'= {
            cand --plan 'Rollout plan file (TOML)'
            cand --state 'State file [default: beside the plan, PLAN.state.sqlite]'
            cand --reason 'Why (recorded in the state file)'
            cand -c 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand --config 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]'
            cand -o 'Result format on stdout'
            cand --output 'Result format on stdout'
            cand --dry-run 'Show what would change without changing anything'
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
        &'esnctl;rollout;help'= {
            cand plan 'Show each phase: audience size, who is new in it, communities and gate'
            cand status 'Show the current phase, its gate checks (want/got/passed) and the next audience'
            cand advance 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase''s gate fails, unless --force)'
            cand pause 'Block `advance` until `resume`'
            cand resume 'Allow `advance` again after `pause`'
            cand abort 'Stop the rollout for good (provisioned accounts stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;rollout;help;plan'= {
        }
        &'esnctl;rollout;help;status'= {
        }
        &'esnctl;rollout;help;advance'= {
        }
        &'esnctl;rollout;help;pause'= {
        }
        &'esnctl;rollout;help;resume'= {
        }
        &'esnctl;rollout;help;abort'= {
        }
        &'esnctl;rollout;help;help'= {
        }
        &'esnctl;report'= {
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
            cand adoption 'Activation, readers, contributors, unanswered questions, per community and per week'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;report;adoption'= {
            cand --from 'Platform or export to measure (profile or URI), e.g. matrix+https://matrix.corp'
            cand --since 'Start of the window: an age (30d, 4w, 12h), a date (2026-10-01) or a timestamp'
            cand --until 'End of the window (same forms as --since) [default: now]'
            cand --sla 'Hours within which a question must get an answer from another person'
            cand --top 'How many top contributors to list'
            cand --html 'Also write a self-contained HTML page with charts to FILE'
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
        &'esnctl;report;help'= {
            cand adoption 'Activation, readers, contributors, unanswered questions, per community and per week'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'esnctl;report;help;adoption'= {
        }
        &'esnctl;report;help;help'= {
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
            cand communities 'Create, update and list communities from a manifest'
            cand content 'Copy, check and count content (communities, posts, threads, reactions, files)'
            cand rollout 'Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort'
            cand report 'Measure adoption: activation, readers, contributors, unanswered questions'
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
        &'esnctl;help;communities'= {
            cand apply 'Create and update DST''s communities and memberships from a manifest (CSV or TOML)'
            cand list 'List the communities of an endpoint with their member counts'
        }
        &'esnctl;help;communities;apply'= {
        }
        &'esnctl;help;communities;list'= {
        }
        &'esnctl;help;content'= {
            cand validate 'Check every reference and checksum of a content source; exit 3 when a problem is found'
            cand copy 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)'
            cand stats 'Count the users, communities, posts, replies, reactions and attachments of SRC'
        }
        &'esnctl;help;content;validate'= {
        }
        &'esnctl;help;content;copy'= {
        }
        &'esnctl;help;content;stats'= {
        }
        &'esnctl;help;rollout'= {
            cand plan 'Show each phase: audience size, who is new in it, communities and gate'
            cand status 'Show the current phase, its gate checks (want/got/passed) and the next audience'
            cand advance 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase''s gate fails, unless --force)'
            cand pause 'Block `advance` until `resume`'
            cand resume 'Allow `advance` again after `pause`'
            cand abort 'Stop the rollout for good (provisioned accounts stay)'
        }
        &'esnctl;help;rollout;plan'= {
        }
        &'esnctl;help;rollout;status'= {
        }
        &'esnctl;help;rollout;advance'= {
        }
        &'esnctl;help;rollout;pause'= {
        }
        &'esnctl;help;rollout;resume'= {
        }
        &'esnctl;help;rollout;abort'= {
        }
        &'esnctl;help;report'= {
            cand adoption 'Activation, readers, contributors, unanswered questions, per community and per week'
        }
        &'esnctl;help;report;adoption'= {
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
