# SPDX-License-Identifier: MIT
# fish completion for tunown(8).

set -l tunown_commands add del list show check apply help

# The tun/tap devices `tunown list --json` reports, in the namespace named by
# --netns on the command line if there is one. No jq: the names are the
# values of the "name" keys.
function __tunown_devices
    set -l tokens (commandline -opc)
    set -l args list --json
    set -l i (contains -i -- --netns $tokens)
    and set -q tokens[(math $i + 1)]
    and set -a args --netns $tokens[(math $i + 1)]
    command $tokens[1] $args 2>/dev/null |
        string match -ar '"name"\s*:\s*"[^"]*"' |
        string replace -r '.*"([^"]*)"$' '$1'
end

function __tunown_netns
    ip netns list 2>/dev/null | string replace -r '\s.*' ''
end

# True when the command line has COMMAND and, for a command that takes one
# name, no name yet.
function __tunown_wants_device
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd
    set -l nargs 0
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --netns --user --group --address --peer --route --mtu --mac --as --pid --binary
                set skip 1
            case '-*'
            case '*'
                if test -z "$cmd"
                    set cmd $t
                else
                    set nargs (math $nargs + 1)
                end
        end
    end
    switch $cmd
        case del
            return 0
        case show check
            test $nargs = 0
            return
    end
    return 1
end

complete -c tunown -f
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a add -d 'Create or converge an owned device'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a del -d 'Delete tun/tap devices'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a list -d 'List tun/tap devices'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a show -d 'Show one device'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a check -d 'Explain whether a program can attach'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a apply -d 'Converge to configuration files'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -a help -d 'Print usage'
complete -c tunown -n "not __fish_seen_subcommand_from $tunown_commands" -l version -d 'Print the version'
complete -c tunown -s h -l help -d 'Print usage'

complete -c tunown -n '__fish_seen_subcommand_from help' -a "$tunown_commands"

# Device names.
complete -c tunown -n __tunown_wants_device -a '(__tunown_devices)'

# add
complete -c tunown -n '__fish_seen_subcommand_from add check' -l tun -d 'TUN device (layer 3)'
complete -c tunown -n '__fish_seen_subcommand_from add check' -l tap -d 'TAP device (layer 2)'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l user -a '(__fish_complete_users)' -d 'Owner'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l group -a '(__fish_complete_groups)' -d 'Group'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l address -d 'Address with prefix, repeatable'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l peer -d 'Peer of the address before'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l route -d 'Route through the device, repeatable'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l mtu -d 'MTU'
complete -c tunown -n '__fish_seen_subcommand_from add' -x -l mac -d 'MAC address (tap)'
complete -c tunown -n '__fish_seen_subcommand_from add check' -l multi-queue -d 'Multi-queue device'
complete -c tunown -n '__fish_seen_subcommand_from add' -l vnet-hdr -d 'Set IFF_VNET_HDR'
complete -c tunown -n '__fish_seen_subcommand_from add' -l pi -d 'Keep the packet information header'
complete -c tunown -n '__fish_seen_subcommand_from add' -l up -d 'Bring the link up'
complete -c tunown -n '__fish_seen_subcommand_from add' -l down -d 'Bring the link down'
complete -c tunown -n '__fish_seen_subcommand_from add' -l any-user -d 'No owner nor group: anyone may attach'
complete -c tunown -n '__fish_seen_subcommand_from add' -l adopt -d 'Take over a device tunown did not create'

# check
complete -c tunown -n '__fish_seen_subcommand_from check' -l all -d 'Audit every device: who may attach, warnings'
complete -c tunown -n '__fish_seen_subcommand_from check' -x -l as -a '(__fish_complete_users)' -d 'Check for a login of USER'
complete -c tunown -n '__fish_seen_subcommand_from check' -x -l pid -a '(__fish_complete_pids)' -d 'Check for a running process'
complete -c tunown -n '__fish_seen_subcommand_from check' -r -F -l binary -d 'Program whose file capabilities to check'
complete -c tunown -n '__fish_seen_subcommand_from check' -l no-probe -d 'Predict only, no real attach'

# apply
complete -c tunown -n '__fish_seen_subcommand_from apply' -F
complete -c tunown -n '__fish_seen_subcommand_from apply' -l dry-run -d 'Print the plan, change nothing'
complete -c tunown -n '__fish_seen_subcommand_from apply' -l prune -d 'Delete managed devices no file names'
complete -c tunown -n '__fish_seen_subcommand_from apply' -l allow-empty -d 'With --prune, an empty configuration deletes them all'
complete -c tunown -n '__fish_seen_subcommand_from del' -l force -d 'Delete devices programs hold too'
complete -c tunown -n '__fish_seen_subcommand_from del' -l if-exists -d 'A missing name is no error'

# Shared
complete -c tunown -n '__fish_seen_subcommand_from list show check apply' -l json -d 'JSON output'
complete -c tunown -n '__fish_seen_subcommand_from add del list show check' -x -l netns -a '(__tunown_netns)' -d 'Network namespace'
