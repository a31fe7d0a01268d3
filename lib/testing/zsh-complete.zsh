# zsh -f zsh-complete.zsh COMPLETION LINE: prints, one per line, the matches zsh offers when TAB is
# pressed after LINE in an interactive zsh (driven through zsh/zpty), where COMPLETION is a script to
# source or a directory to put first on $fpath, as the two ways `hangar completion zsh` documents.
# compadd is wrapped to print each match it adds before adding it.
zmodload zsh/zpty || exit 3
zpty shell zsh -f -i
local setup=$(mktemp)
if [[ -d $1 ]]; then local load="fpath=(${(q)1} \$fpath); autoload -U compinit && compinit -u -D"
else local load="autoload -U compinit && compinit -u -D; source ${(q)1}"; fi
cat > $setup <<SETUP
PROMPT=
$load
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
__capture_end() { print -r -- '<<END>>'; exit }
comppostfuncs=(__capture_end)
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "\$@"; return; fi
  local -a __hits
  builtin compadd -A __hits "\$@"
  local hit; for hit in \$__hits; do print -r -- "<<HIT>>\$hit"; done
  builtin compadd "\$@"
}
print -r -- '<<READY>>'
SETUP
zpty -w shell "source ${(q)setup}"
local line
# The terminal echoes what is typed: a marker counts only on a line of output, not in the echoed command.
while zpty -r shell line; do [[ $line == *'<<READY>>'* && $line != *print* ]] && break; done
zpty -w shell "$2"$'\t'
while zpty -r shell line; do
  line=${line//[$'\r\n']/}
  [[ $line == *'<<END>>'* && $line != *print* ]] && break
  [[ $line == *'<<HIT>>'* && $line != *print* ]] && print -r -- "${line##*<<HIT>>}"
done
rm -f $setup
