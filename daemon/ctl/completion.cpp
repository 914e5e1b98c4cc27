// Bash and zsh completion scripts from a CompletionSpec.
// Thread-safety: see completion.hpp.
#include "ctl/completion.hpp"

#include <functional>

namespace roomsd::ctl {
namespace {

// Words joined by spaces, each kept to the characters a flag, command or choice uses,
// so nothing in the script needs quoting.
std::string wordList(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        std::string safe;
        for (char c : w)
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.')
                safe += c;
        if (safe.empty()) continue;
        out += (out.empty() ? "" : " ") + safe;
    }
    return out;
}

std::vector<std::string> namesOf(const std::vector<CompletionOption>& options) {
    std::vector<std::string> names;
    for (const auto& o : options) names.push_back(o.name);
    return names;
}

// Every option of the spec that takes a value, with its choices and whether it is a path.
std::vector<CompletionOption> valueOptions(const CompletionSpec& spec) {
    std::vector<CompletionOption> out;
    auto add = [&](const CompletionOption& o) {
        if (!o.takesValue) return;
        for (const auto& seen : out)
            if (seen.name == o.name) return;
        out.push_back(o);
    };
    for (const auto& o : spec.globals) add(o);
    for (const auto& c : spec.commands)
        for (const auto& o : c.options) add(o);
    return out;
}

std::string helpText(const std::string& help) {
    std::string out;
    for (char c : help)
        if (c != '\'' && c != ':' && c != '\n' && c != '\\') out += c;
    return out;
}

// The loop that finds the command: the first word that is neither an option nor the
// value of one. `loop` is the shell's for-header, `word` how it names the i-th word.
std::string findCommand(const std::vector<CompletionOption>& values, const std::string& loop, const std::string& word) {
    std::string out = "    " + loop + "\n        case \"" + word + "\" in\n";
    std::string alternatives;
    for (const auto& o : values) alternatives += (alternatives.empty() ? "" : "|") + wordList({o.name});
    if (!alternatives.empty()) out += "            " + alternatives + ") ((i++)) ;;\n";
    return out +
           "            -*) ;;\n"
           "            *) command=\"" +
           word +
           "\"; break ;;\n"
           "        esac\n"
           "    done\n";
}

// The case arms that complete an option's value: `pathAction` for a file name,
// `choicesAction(words)` for a fixed set, nothing otherwise.
std::string valueArms(const std::vector<CompletionOption>& values, const std::string& pathAction,
                      const std::function<std::string(const std::string&)>& choicesAction) {
    std::string out;
    for (const auto& o : values) {
        std::string action = o.path              ? pathAction
                             : o.choices.empty() ? std::string()
                                                 : choicesAction(wordList(o.choices));
        out += "        " + wordList({o.name}) + ") " + (action.empty() ? "" : action + "; ") + "return ;;\n";
    }
    return out;
}

} // namespace

std::string bashCompletion(const CompletionSpec& spec) {
    std::string f = "_" + spec.program;
    std::vector<std::string> commandNames;
    for (const auto& c : spec.commands) commandNames.push_back(c.name);
    std::vector<CompletionOption> values = valueOptions(spec);
    std::string out = "# bash completion for " + spec.program + ", written by `" + spec.program +
                      " completion bash`\n" + f + "() {\n" +
                      "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                      "    local command=\"\" i\n";
    out += findCommand(values, "for ((i = 1; i < COMP_CWORD; i++)); do", "${COMP_WORDS[i]}");
    out += "    case \"$prev\" in\n";
    out += valueArms(values, "COMPREPLY=($(compgen -f -- \"$cur\"))", [](const std::string& words) {
        return "COMPREPLY=($(compgen -W \"" + words + "\" -- \"$cur\"))";
    });
    out += "    esac\n"
           "    local words=\"" +
           wordList(namesOf(spec.globals)) +
           "\"\n"
           "    case \"$command\" in\n"
           "        \"\") words=\"" +
           wordList(commandNames) + " $words\" ;;\n";
    for (const auto& c : spec.commands) {
        std::vector<std::string> words = namesOf(c.options);
        words.insert(words.end(), c.arguments.begin(), c.arguments.end());
        out += "        " + wordList({c.name}) + ") words=\"" + wordList(words) + " $words\" ;;\n";
    }
    out += "    esac\n"
           "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
           "}\n"
           "complete -F " +
           f + " " + spec.program + "\n";
    return out;
}

std::string zshCompletion(const CompletionSpec& spec) {
    std::vector<CompletionOption> values = valueOptions(spec);
    std::string f = "_" + spec.program;
    std::string out = "#compdef " + spec.program + "\n# zsh completion for " + spec.program + ", written by `" +
                      spec.program + " completion zsh`\n" + f + "() {\n" + "    local command=\"\" i\n" +
                      "    local -a commands\n" + "    commands=(\n";
    for (const auto& c : spec.commands) out += "        '" + wordList({c.name}) + ":" + helpText(c.help) + "'\n";
    out += "    )\n";
    out += findCommand(values, "for ((i = 2; i < CURRENT; i++)); do", "${words[i]}");
    out += "    case \"${words[CURRENT-1]}\" in\n";
    out += valueArms(values, "_files", [](const std::string& words) { return "compadd -- " + words; });
    out += "    esac\n"
           "    if [[ -z \"$command\" ]]; then\n"
           "        _describe 'command' commands\n"
           "        compadd -- " +
           wordList(namesOf(spec.globals)) +
           "\n"
           "        return\n"
           "    fi\n"
           "    case \"$command\" in\n";
    for (const auto& c : spec.commands) {
        std::vector<std::string> words = namesOf(c.options);
        words.insert(words.end(), c.arguments.begin(), c.arguments.end());
        if (words.empty()) continue;
        out += "        " + wordList({c.name}) + ") compadd -- " + wordList(words) + " ;;\n";
    }
    out += "    esac\n"
           "    compadd -- " +
           wordList(namesOf(spec.globals)) +
           "\n"
           "}\n" +
           f + " \"$@\"\n";
    return out;
}

} // namespace roomsd::ctl
