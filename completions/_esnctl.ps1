
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'esnctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'esnctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'esnctl' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Synchronise and list user accounts')
            [CompletionResult]::new('communities', 'communities', [CompletionResultType]::ParameterValue, 'Create, update and list communities from a manifest')
            [CompletionResult]::new('content', 'content', [CompletionResultType]::ParameterValue, 'Copy, check and count content (communities, posts, threads, reactions, files)')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Measure adoption: activation, readers, contributors, unanswered questions')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check the profiles file and endpoints')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages into a folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;users' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make DST''s users match SRC''s: create, update, deactivate (never delete), reactivate')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users of an endpoint')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;users;sync' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Source endpoint (profile or URI); repeat to merge several directories')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Destination endpoint (profile or URI)')
            [CompletionResult]::new('--max-deactivations', '--max-deactivations', [CompletionResultType]::ParameterName, 'Refuse (exit 4) when the plan deactivates more than N users or P% of active users')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once against server endpoints')
            [CompletionResult]::new('--groups', '--groups', [CompletionResultType]::ParameterName, 'Also mirror the sources'' groups into DST''s communities (all groups, or those FILTER selects: an LDAP filter, a group DN or a cn with * wildcards)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan without changing anything')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 0 when nothing changed, 10 when the plan had changes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;users;list' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Endpoint to list (profile or URI)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;users;help' {
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make DST''s users match SRC''s: create, update, deactivate (never delete), reactivate')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users of an endpoint')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;users;help;sync' {
            break
        }
        'esnctl;users;help;list' {
            break
        }
        'esnctl;users;help;help' {
            break
        }
        'esnctl;communities' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create and update DST''s communities and memberships from a manifest (CSV or TOML)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the communities of an endpoint with their member counts')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;communities;apply' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Destination endpoint (profile or URI)')
            [CompletionResult]::new('--directory', '--directory', [CompletionResultType]::ParameterName, 'Directory (LDAP or LDIF) that resolves `group` fields and people not yet on DST')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once against server endpoints')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan without changing anything')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Archive DST communities the manifest does not list (their content is kept)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 0 when nothing changed, 10 when the plan had changes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;communities;list' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Endpoint to list (profile or URI)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;communities;help' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create and update DST''s communities and memberships from a manifest (CSV or TOML)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the communities of an endpoint with their member counts')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;communities;help;apply' {
            break
        }
        'esnctl;communities;help;list' {
            break
        }
        'esnctl;communities;help;help' {
            break
        }
        'esnctl;content' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every reference and checksum of a content source; exit 3 when a problem is found')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count the users, communities, posts, replies, reactions and attachments of SRC')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;content;validate' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;content;copy' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Content source (profile or URI), e.g. slack-export:export.zip')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Destination (profile or URI), e.g. bundle:./migration')
            [CompletionResult]::new('--user-map', '--user-map', [CompletionResultType]::ParameterName, 'CSV (source,target) mapping source user ids, usernames or emails to destination usernames')
            [CompletionResult]::new('--unmapped', '--unmapped', [CompletionResultType]::ParameterName, 'What to do with content of users nobody maps [default: placeholder with --user-map, else create]')
            [CompletionResult]::new('--placeholder-user', '--placeholder-user', [CompletionResultType]::ParameterName, 'The placeholder account''s username')
            [CompletionResult]::new('--community', '--community', [CompletionResultType]::ParameterName, 'Only this community (key or name); repeat for several')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only posts created at or after DATE (2024-01-31 or RFC 3339)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only posts created before DATE')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Ledger of copied records [default: beside the destination, DST.esnctl-state.db]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Records written at once to a server destination (one ordered lane per community)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count what would be copied without writing anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;content;stats' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;content;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every reference and checksum of a content source; exit 3 when a problem is found')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count the users, communities, posts, replies, reactions and attachments of SRC')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;content;help;validate' {
            break
        }
        'esnctl;content;help;copy' {
            break
        }
        'esnctl;content;help;stats' {
            break
        }
        'esnctl;content;help;help' {
            break
        }
        'esnctl;rollout' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show each phase: audience size, who is new in it, communities and gate')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the current phase, its gate checks (want/got/passed) and the next audience')
            [CompletionResult]::new('advance', 'advance', [CompletionResultType]::ParameterValue, 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase''s gate fails, unless --force)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Block `advance` until `resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Allow `advance` again after `pause`')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Stop the rollout for good (provisioned accounts stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;rollout;plan' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Rollout plan file (TOML)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file [default: beside the plan, PLAN.state.sqlite]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once against server endpoints')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Accepted for symmetry: plan and status never change anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;rollout;status' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Rollout plan file (TOML)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file [default: beside the plan, PLAN.state.sqlite]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once against server endpoints')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write the current phase''s adoption report, drawn against its gate, as a self-contained HTML page')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Accepted for symmetry: plan and status never change anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;rollout;advance' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Rollout plan file (TOML)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file [default: beside the plan, PLAN.state.sqlite]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the state file with the transition; required with --force)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once against server endpoints')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what advance would do without changing anything')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Advance even though the current phase''s gate fails (needs --reason)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;rollout;pause' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Rollout plan file (TOML)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file [default: beside the plan, PLAN.state.sqlite]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the state file)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change without changing anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;rollout;resume' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Rollout plan file (TOML)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file [default: beside the plan, PLAN.state.sqlite]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the state file)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change without changing anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;rollout;abort' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Rollout plan file (TOML)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file [default: beside the plan, PLAN.state.sqlite]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the state file)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change without changing anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;rollout;help' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show each phase: audience size, who is new in it, communities and gate')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the current phase, its gate checks (want/got/passed) and the next audience')
            [CompletionResult]::new('advance', 'advance', [CompletionResultType]::ParameterValue, 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase''s gate fails, unless --force)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Block `advance` until `resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Allow `advance` again after `pause`')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Stop the rollout for good (provisioned accounts stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;rollout;help;plan' {
            break
        }
        'esnctl;rollout;help;status' {
            break
        }
        'esnctl;rollout;help;advance' {
            break
        }
        'esnctl;rollout;help;pause' {
            break
        }
        'esnctl;rollout;help;resume' {
            break
        }
        'esnctl;rollout;help;abort' {
            break
        }
        'esnctl;rollout;help;help' {
            break
        }
        'esnctl;report' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('adoption', 'adoption', [CompletionResultType]::ParameterValue, 'Activation, readers, contributors, unanswered questions, per community and per week')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;report;adoption' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Platform or export to measure (profile or URI), e.g. matrix+https://matrix.corp')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: an age (30d, 4w, 12h), a date (2026-10-01) or a timestamp')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window (same forms as --since) [default: now]')
            [CompletionResult]::new('--sla', '--sla', [CompletionResultType]::ParameterName, 'Hours within which a question must get an answer from another person')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many top contributors to list')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write a self-contained HTML page with charts to FILE')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;report;help' {
            [CompletionResult]::new('adoption', 'adoption', [CompletionResultType]::ParameterValue, 'Activation, readers, contributors, unanswered questions, per community and per week')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;report;help;adoption' {
            break
        }
        'esnctl;report;help;help' {
            break
        }
        'esnctl;config' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the profiles file, and that each endpoint (or EP) is usable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;config;check' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;config;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the profiles file, and that each endpoint (or EP) is usable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;config;help;check' {
            break
        }
        'esnctl;config;help;help' {
            break
        }
        'esnctl;completions' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;man' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Result format on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Hide progress bars (they are also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required to apply changes when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'esnctl;help' {
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Synchronise and list user accounts')
            [CompletionResult]::new('communities', 'communities', [CompletionResultType]::ParameterValue, 'Create, update and list communities from a manifest')
            [CompletionResult]::new('content', 'content', [CompletionResultType]::ParameterValue, 'Copy, check and count content (communities, posts, threads, reactions, files)')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Measure adoption: activation, readers, contributors, unanswered questions')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check the profiles file and endpoints')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages into a folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'esnctl;help;users' {
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make DST''s users match SRC''s: create, update, deactivate (never delete), reactivate')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users of an endpoint')
            break
        }
        'esnctl;help;users;sync' {
            break
        }
        'esnctl;help;users;list' {
            break
        }
        'esnctl;help;communities' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create and update DST''s communities and memberships from a manifest (CSV or TOML)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the communities of an endpoint with their member counts')
            break
        }
        'esnctl;help;communities;apply' {
            break
        }
        'esnctl;help;communities;list' {
            break
        }
        'esnctl;help;content' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every reference and checksum of a content source; exit 3 when a problem is found')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy communities, posts, threads, reactions and files from SRC to DST (resumable)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count the users, communities, posts, replies, reactions and attachments of SRC')
            break
        }
        'esnctl;help;content;validate' {
            break
        }
        'esnctl;help;content;copy' {
            break
        }
        'esnctl;help;content;stats' {
            break
        }
        'esnctl;help;rollout' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show each phase: audience size, who is new in it, communities and gate')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the current phase, its gate checks (want/got/passed) and the next audience')
            [CompletionResult]::new('advance', 'advance', [CompletionResultType]::ParameterValue, 'Enter the next phase: provision its audience, join its communities, post its welcome message (refused while the current phase''s gate fails, unless --force)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Block `advance` until `resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Allow `advance` again after `pause`')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Stop the rollout for good (provisioned accounts stay)')
            break
        }
        'esnctl;help;rollout;plan' {
            break
        }
        'esnctl;help;rollout;status' {
            break
        }
        'esnctl;help;rollout;advance' {
            break
        }
        'esnctl;help;rollout;pause' {
            break
        }
        'esnctl;help;rollout;resume' {
            break
        }
        'esnctl;help;rollout;abort' {
            break
        }
        'esnctl;help;report' {
            [CompletionResult]::new('adoption', 'adoption', [CompletionResultType]::ParameterValue, 'Activation, readers, contributors, unanswered questions, per community and per week')
            break
        }
        'esnctl;help;report;adoption' {
            break
        }
        'esnctl;help;config' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the profiles file, and that each endpoint (or EP) is usable')
            break
        }
        'esnctl;help;config;check' {
            break
        }
        'esnctl;help;completions' {
            break
        }
        'esnctl;help;man' {
            break
        }
        'esnctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
