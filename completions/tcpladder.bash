# bash completion for tcpladder. `make install` puts it in
# $(PREFIX)/share/bash-completion/completions/tcpladder, where
# bash-completion loads it on first use; or `source` it by hand.
#
# The commands and their options are read from the program itself
# (`tcpladder --help`, `tcpladder help COMMAND`) rather than listed here,
# so that this file cannot fall behind the options the binary takes.

_tcpladder_commands()
{
	"$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# Every -x and --long option a command's help names, once each, and
# --help, which every command takes (its help does not list it).
_tcpladder_options()
{
	{ "$1" help "$2" 2>/dev/null | grep -oE '(^|[[ ,|])--?[a-z][a-z-]*' | sed 's/^[[ ,|]*//'
	  echo --help; } | sort -u
}

_tcpladder()
{
	local cur prev bin cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	bin=${COMP_WORDS[0]}
	# The command is the first word after the program that is not an option.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_tcpladder_commands "$bin")" -- "$cur"))
		fi
		return 0
	fi

	# An option's argument.
	case $prev in
	-d | --db)
		COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur"))
		return 0 ;;
	-o | --output)
		# export, extract and report --standalone write a file, the rest a folder.
		if [[ $cmd == export || $cmd == extract || " ${COMP_WORDS[*]} " == *" --standalone "* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi
		return 0 ;;
	--flow-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	--color)
		COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
		return 0 ;;
	--search)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	--format)
		COMPREPLY=($(compgen -W 'csv jsonl' -- "$cur"))
		return 0 ;;
	--tunnel-port)
		COMPREPLY=($(compgen -W 'vxlan= vxlan-gpe= geneve= gtp-u= teredo= l2tp= ayiya= gre= capwap=' -- "$cur"))
		compopt -o nospace 2>/dev/null
		return 0 ;;
	-f | --filter | -j | --jobs | --idle-timeout | --max-flows | --flow | --capture | \
	--max-segments | --flows-per-page | --name | --where | --width | --vantage | --offset | \
	--max-offset)
		return 0 ;; # a value only the user knows
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tcpladder_options "$bin" "$cmd")" -- "$cur"))
		return 0
	fi
	case $cmd in
	help) COMPREPLY=($(compgen -W "$(_tcpladder_commands "$bin")" -- "$cur")) ;;
	export) COMPREPLY=($(compgen -W 'flows segments transitions conn-log sightings clock' -- "$cur")) ;;
	merge) COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur")) ;;
	ingest | run) COMPREPLY=($(compgen -f -- "$cur")) ;; # captures and directories
	esac
	return 0
}
complete -o filenames -F _tcpladder tcpladder
