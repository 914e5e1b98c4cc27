// roomsctl: asks a running roomsd about its mirror, over its local socket.
#include <CLI/CLI.hpp>

#include <iostream>

#include "common/version.hpp"

int main(int argc, char** argv) {
    CLI::App cli{"roomsctl: query a running roomsd over its local socket"};
    std::string socket = "/run/roomsd/roomsd.sock";
    cli.add_option("--socket", socket, "roomsd's socket")->capture_default_str();
    cli.set_version_flag("--version", std::string("roomsctl ") + roomsd::kVersion);
    cli.require_subcommand(0, 1);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? 0 : 2;
    }
    std::cout << cli.help();
    return 0;
}
