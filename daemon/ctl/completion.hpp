// Shell completion scripts for roomsctl, written from its command-line description.
//
// roomsctl's main builds the description from its CLI11 app (every command, option
// and choice), so the scripts cannot drift from the flags they complete.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace roomsd::ctl {

struct CompletionOption {
    std::string name;                 // "--format"
    bool takesValue = false;          // the next word is its value, not a command
    std::vector<std::string> choices; // the values it takes, when they are a fixed set
    bool path = false;                // its value is a file name
};

struct CompletionCommand {
    std::string name; // "rooms"
    std::string help;
    std::vector<CompletionOption> options;
    std::vector<std::string> arguments; // fixed values of its first positional argument, if any
};

struct CompletionSpec {
    std::string program; // "roomsctl"
    std::vector<CompletionOption> globals;
    std::vector<CompletionCommand> commands;
};

// A bash script (for share/bash-completion/completions/roomsctl) that completes commands,
// their options, fixed choices and file names.
std::string bashCompletion(const CompletionSpec& spec);
// The same for zsh (share/zsh/vendor-completions/_roomsctl, a #compdef file).
std::string zshCompletion(const CompletionSpec& spec);

} // namespace roomsd::ctl
