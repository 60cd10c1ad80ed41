#include "common/sandbox.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#ifndef BINLOGSTREAM_SOURCE_DIR
#error "BINLOGSTREAM_SOURCE_DIR must point at the source tree (scripts/sandbox)"
#endif

namespace binlogstream::test {
namespace {

const std::string script = std::string(BINLOGSTREAM_SOURCE_DIR) + "/scripts/sandbox";

int run_status(const std::string& command)
{
    int rc = std::system(command.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string shell_quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

class sandbox_holder
{
public:
    sandbox_holder()
    {
        if (run_status(script + " status >/dev/null 2>&1") != 0)
        {
            std::cerr << "integration tests: starting the sandbox MariaDB (scripts/sandbox start)\n";
            if (run_status(script + " start") != 0)
            {
                // Never skip: a missing server is a failed run, in CI and elsewhere.
                std::cerr << "integration tests: the sandbox failed to start\n";
                std::exit(1);
            }
            started_ = true;
        }
        std::map<std::string, std::string> env;
        std::istringstream lines(run_command(script + " env"));
        for (std::string line; std::getline(lines, line);)
        {
            const std::string prefix = "export ";
            auto eq = line.find('=');
            if (line.rfind(prefix, 0) != 0 || eq == std::string::npos)
                continue;
            auto key = line.substr(prefix.size(), eq - prefix.size());
            auto value = line.substr(eq + 1);
            env[key] = value;
            ::setenv(key.c_str(), value.c_str(), 1); // for child processes (tools under test)
        }
        auto get = [&](const char* k) { return env["BINLOGSTREAM_TEST_" + std::string(k)]; };
        info_.host = get("HOST");
        info_.port = static_cast<std::uint16_t>(std::stoi(get("PORT")));
        info_.socket = get("SOCKET");
        info_.datadir = get("DATADIR");
        info_.plain_port = static_cast<std::uint16_t>(std::stoi(get("PLAIN_PORT")));
        info_.ssl_ca = get("SSL_CA");
        info_.other_ca = get("OTHER_CA");
        info_.client_cert = get("CLIENT_CERT");
        info_.client_key = get("CLIENT_KEY");
        info_.user = get("USER");
        info_.password = get("PASSWORD");
        info_.admin_user = get("ADMIN_USER");
        info_.admin_password = get("ADMIN_PASSWORD");
        info_.ed25519_user = get("ED25519_USER");
        info_.ed25519_password = get("ED25519_PASSWORD");
        info_.tls_user = get("TLS_USER");
        info_.tls_password = get("TLS_PASSWORD");
        main_pid_file_ = get("PID_FILE");
        plain_pid_file_ = get("PLAIN_PID_FILE");
    }
    ~sandbox_holder()
    {
        if (started_)
            (void)run_status(script + " stop >/dev/null 2>&1");
    }
    const sandbox_info& info() const { return info_; }
    const std::string& pid_file(bool plain) const { return plain ? plain_pid_file_ : main_pid_file_; }

private:
    sandbox_info info_;
    std::string main_pid_file_, plain_pid_file_;
    bool started_ = false;
};

sandbox_holder& holder()
{
    static sandbox_holder h;
    return h;
}

} // namespace

const sandbox_info& sandbox()
{
    return holder().info();
}

int server_pid(bool plain)
{
    std::ifstream f(holder().pid_file(plain));
    int pid = 0;
    f >> pid;
    return pid;
}

void restart_servers()
{
    (void)holder();
    if (run_status(script + " start >/dev/null") != 0)
        throw std::runtime_error("scripts/sandbox start failed");
}

std::string run_command(const std::string& command)
{
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p)
        throw std::runtime_error("popen failed: " + command);
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    int rc = ::pclose(p);
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
    {
        // Never echo a command that carries a secret in its environment prefix.
        auto shown = command.rfind("MYSQL_PWD=", 0) == 0 ? command.substr(command.find(' ') + 1) : command;
        throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + shown);
    }
    return out;
}

std::string admin_sql(const std::string& sql)
{
    const auto& s = sandbox();
    // The password travels in the child's environment (MYSQL_PWD), never on a command line that an
    // error message or `ps` could show.
    std::string cmd = "MYSQL_PWD=" + shell_quote(s.admin_password) +
                      " mariadb --no-defaults --default-character-set=utf8mb4 -N -B -h " + s.host + " -P " +
                      std::to_string(s.port) + " -u " + s.admin_user + " -e " + shell_quote(sql);
    return run_command(cmd);
}

} // namespace binlogstream::test
