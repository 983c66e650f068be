"""The man page and the bash completion keep up with the CLI: man/assistctl.1 documents exactly
the commands `assistctl --help` offers, each in SYNOPSIS and in its own COMMANDS entry with every
option the code accepts; scripts/assistctl.bash-completion completes all of them."""
import os
import re
import subprocess
import unittest

ASSISTCTL = os.environ["ASSISTCTL"]
MAN_PAGE = os.path.join(os.environ["ASSIST_SOURCE_DIR"], "man", "assistctl.1")
COMPLETION = os.path.join(os.environ["ASSIST_SOURCE_DIR"], "scripts", "assistctl.bash-completion")


def help_text(*command):
    out = subprocess.run([ASSISTCTL, *command, "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def help_section(text, title):
    """The lines of one CLI11 help section ("Options:", "Subcommands:"), up to the next blank line."""
    lines = text.splitlines()
    if title not in lines:
        return []
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def subcommands(*command):
    # "  create, add   Create a queue": the first name is the command, the rest aliases;
    # descriptions that wrap continue on lines indented further.
    names = []
    for line in help_section(help_text(*command), "Subcommands:"):
        m = re.match(r"^  (\S+?)(,|\s{2,}|$)", line)
        if m:
            names.append(m.group(1))
    return names


def options(*command):
    found = set()
    for line in help_section(help_text(*command), "Options:"):
        m = re.match(r"^\s+(?:-\w,)?--([\w-]+)", line)
        if m and m.group(1) != "help":
            found.add(m.group(1))
    return found


def cli_commands():
    """{"appointment create": {options}, "status": {options}, …}"""
    out = {}
    for command in subcommands():
        subs = subcommands(command)
        if not subs:
            out[command] = options(command)
        for sub in subs:
            out[f"{command} {sub}"] = options(command, sub)
    return out


def unroff(text):
    return text.replace("\\-", "-").replace("\\&", "")


def man_sections():
    with open(MAN_PAGE, encoding="utf-8") as f:
        man = f.read()
    return {m.group(1): m.group(2) for m in re.finditer(r"^\.SH ([^\n]+)\n(.*?)(?=^\.SH |\Z)", man, re.M | re.S)}


def synopsis_commands(synopsis):
    """Entries are separated by .br: ".B assistctl appointment" then ".RB { create | list }"."""
    out = set()
    for entry in unroff(synopsis).split(".br"):
        m = re.search(r"^\.B assistctl ([a-z -]+)$", entry, re.M)
        if not m:
            continue
        command = m.group(1).strip()
        subs = re.search(r"^\.RB \{ (.+) \}$", entry, re.M)
        if subs:
            out.update(f"{command} {s.strip()}" for s in subs.group(1).split("|"))
        else:
            out.add(command)
    return out


def command_entries(commands_section):
    """".SS queue open, queue close" and its text → {"queue open": text, "queue close": text}."""
    out = {}
    for m in re.finditer(r"^\.SS ([^\n]+)\n(.*?)(?=^\.SS |\Z)", unroff(commands_section), re.M | re.S):
        for name in m.group(1).split(","):
            out[name.strip()] = m.group(2)
    return out


class AssistctlManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cli = cli_commands()
        cls.sections = man_sections()

    def test_the_cli_has_the_commands_an_operator_uses(self):
        # Guards the parsing above: were it to find nothing, the comparisons would pass vacuously.
        for command in ("status", "remind", "appointment send-link", "notification retry", "channel suspend"):
            self.assertIn(command, self.cli)
        self.assertIn("phone", self.cli["appointment create"])

    def test_synopsis_lists_every_command(self):
        self.assertEqual(synopsis_commands(self.sections["SYNOPSIS"]), set(self.cli))

    def test_every_command_has_its_entry(self):
        self.assertEqual(set(command_entries(self.sections["COMMANDS"])), set(self.cli))

    def test_every_option_is_documented_with_its_command(self):
        entries = command_entries(self.sections["COMMANDS"])
        missing = {
            command: sorted(o for o in opts if f"--{o}" not in entries.get(command, ""))
            for command, opts in self.cli.items()
        }
        self.assertEqual({c: o for c, o in missing.items() if o}, {})

    def test_every_global_option_is_documented(self):
        text = unroff(self.sections["GLOBAL OPTIONS"])
        self.assertEqual(sorted(o for o in options() if f"--{o}" not in text), [])

    def test_name_line_names_what_the_commands_manage(self):
        name = self.sections["NAME"]
        for topic in ("appointments", "join links", "notifications", "users", "API keys", "queues", "audit log"):
            self.assertIn(topic, name)


def complete(*words):
    """What bash offers for `assistctl WORDS…<TAB>`; the last word is the one being completed."""
    script = 'source "$0"; COMP_WORDS=(assistctl "$@"); COMP_CWORD=$#; _assistctl; printf "%s\\n" "${COMPREPLY[@]}"'
    out = subprocess.run(["bash", "-c", script, COMPLETION, *words], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


class AssistctlCompletion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cli = cli_commands()

    def test_every_command_and_subcommand_completes(self):
        commands = {c.split()[0] for c in self.cli}
        self.assertEqual(complete("") & commands, commands)
        for command in commands:
            subs = {c.split()[1] for c in self.cli if c.startswith(command + " ")}
            if subs:
                self.assertEqual(complete(command, "") & subs, subs, command)

    def test_every_option_completes(self):
        missing = {}
        for command, opts in self.cli.items():
            offered = complete(*command.split(), "--")
            wanted = {"--" + o for o in opts}
            if wanted - offered:
                missing[command] = sorted(wanted - offered)
        self.assertEqual(missing, {})
        self.assertEqual({"--" + o for o in options()} - complete("--"), set())

    def test_values_follow_the_words_typed_so_far(self):
        # An option's value is not taken for a subcommand, and the value lists are the CLI's own.
        self.assertEqual(complete("appointment", "send-link", "--via", ""), {"email", "sms", "webhook"})
        self.assertEqual(complete("channel", "suspend", "s"), {"sms"})
        self.assertEqual(complete("--timeout", "5", "notification", "list", "--status", "de"), {"delivered"})
        self.assertIn("--dry-run", complete("remind", "--d"))


if __name__ == "__main__":
    unittest.main()
