# Shell helpers for tests of `rewire run` itself: a run's streams and
# status in files, and checks on them. Source it after tests/lib/report.sh;
# it uses $rewire (the rewire binary), $work (a scratch directory) and
# $tmp (the TMPDIR the runs get).

# rr NAME [rewire run arguments...]: runs `rewire run` in the foreground;
# NAME.out, NAME.err, NAME.status.
rr() {
	local name=$1
	shift
	"$rewire" run "$@" </dev/null >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.status"
	cat "$work/$name.out" "$work/$name.err" >"$work/$name.all"
}

# check RUN WHAT STATUS [out|err|log:FILE] [=TEXT|^TEXT|~FIXED|!FIXED]...:
# the run RUN (rr's files) exited with STATUS, then checks on its stdout
# (the default), its stderr or a file: =TEXT its whole content, ^TEXT its
# beginning (both with printf escapes), ~FIXED a string it holds, !FIXED
# one it lacks. One ok or FAIL line, "WHAT".
check() {
	local run=$1 what=$2 want=$3 status file c
	shift 3
	status=$(cat "$work/$run.status")
	if [ "$status" != "$want" ]; then
		bad "$what" "exit status $status, wanted $want" "$work/$run.all"
		return
	fi
	file=$work/$run.out
	for c in "$@"; do
		case $c in
		out) file=$work/$run.out ;;
		err) file=$work/$run.err ;;
		log:*) file=${c#log:} ;;
		=*)
			if ! cmp -s <(printf "${c#=}") "$file"; then
				bad "$what" "${file##*/} is not exactly '${c#=}'" "$work/$run.all"
				return
			fi
			;;
		^*)
			if ! cmp -s <(printf "${c#^}") <(head -c "$(printf "${c#^}" | wc -c)" "$file"); then
				bad "$what" "${file##*/} does not begin with '${c#^}'" "$work/$run.all"
				return
			fi
			;;
		~*)
			if ! grep -qF -- "${c#\~}" "$file"; then
				bad "$what" "${file##*/} lacks '${c#\~}'" "$work/$run.all"
				return
			fi
			;;
		!*)
			if grep -qF -- "${c#!}" "$file"; then
				bad "$what" "${file##*/} holds '${c#!}'" "$work/$run.all"
				return
			fi
			;;
		esac
	done
	ok "$what"
}

# no_leftovers NAME: nothing in TMPDIR.
no_leftovers() {
	if [ -z "$(ls -A "$tmp")" ]; then
		ok "$1: no temporary file left"
	else
		bad "$1: no temporary file left" "$(ls -A "$tmp" | tr '\n' ' ')"
		rm -rf "${tmp:?}"/*
	fi
}
