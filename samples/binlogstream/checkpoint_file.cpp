// Checkpoint file I/O for `binlogstream tail` (see checkpoint_file.hpp for the guarantees).
//
// Layout: {"format":"binlogstream-tail-checkpoint","version":1,"position":{<stream_position>},
// "output":{"device":D,"inode":I,"offset":O},"transactions":N}. The position object is the
// library's own stable checkpoint text, so that stream_position::parse stays the one reader of it;
// simdjson validates the file as a whole and picks out the members.

#include "checkpoint_file.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace binlogstream::tool {
namespace {

std::string errno_text(const std::string& what, const std::string& path)
{
    return what + " " + path + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string& data)
{
    std::size_t done = 0;
    while (done < data.size())
    {
        auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::string directory_of(const std::string& path)
{
    auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

// read_checkpoint's and parse_checkpoint's common part.
bool parse_padded(
    const simdjson::padded_string& text, const std::string& path, checkpoint& out, std::string& error
)
{
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    simdjson::dom::object pos;
    if (parser.parse(text).get(root) || root["position"].get(pos))
    {
        error = "checkpoint " + path + " is not a binlogstream tail checkpoint (JSON with \"position\")";
        return false;
    }
    std::error_code ec;
    out.position = stream_position::parse(simdjson::minify(pos), ec);
    if (ec)
    {
        error = "checkpoint " + path + ": bad position: " + ec.message();
        return false;
    }
    out.output.reset();
    simdjson::dom::object o;
    if (!root["output"].get(o))
    {
        output_mark m;
        if (o["device"].get(m.device) || o["inode"].get(m.inode) || o["offset"].get(m.offset))
        {
            error = "checkpoint " + path + ": bad \"output\"";
            return false;
        }
        out.output = m;
    }
    std::uint64_t n = 0;
    out.transactions = root["transactions"].get(n) ? 0 : n;
    return true;
}

} // namespace

bool read_checkpoint(const std::string& path, checkpoint& out, std::string& error)
{
    error.clear();
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT)
        return false;
    simdjson::padded_string text;
    if (auto err = simdjson::padded_string::load(path).get(text))
    {
        error = "cannot read checkpoint " + path + ": " + simdjson::error_message(err);
        return false;
    }
    return parse_padded(text, path, out, error);
}

bool parse_checkpoint(std::string_view text, const std::string& path, checkpoint& out, std::string& error)
{
    error.clear();
    return parse_padded(simdjson::padded_string(text), path, out, error);
}

bool write_checkpoint(const std::string& path, const checkpoint& cp, std::string& error)
{
    std::string text = "{\"format\":\"binlogstream-tail-checkpoint\",\"version\":1,\"position\":";
    text += cp.position.to_string();
    if (cp.output)
    {
        text += ",\"output\":{\"device\":" + std::to_string(cp.output->device) +
                ",\"inode\":" + std::to_string(cp.output->inode) +
                ",\"offset\":" + std::to_string(cp.output->offset) + "}";
    }
    text += ",\"transactions\":" + std::to_string(cp.transactions) + "}\n";

    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
    {
        error = errno_text("cannot create", tmp);
        return false;
    }
    bool ok = write_all(fd, text) && ::fsync(fd) == 0;
    if (!ok)
        error = errno_text("cannot write", tmp);
    if (::close(fd) != 0 && ok)
    {
        error = errno_text("cannot close", tmp);
        ok = false;
    }
    if (!ok)
        return false;
    if (::rename(tmp.c_str(), path.c_str()) != 0)
    {
        error = errno_text("cannot rename to", path);
        return false;
    }
    // The rename is durable only once the directory entry is.
    auto dir = directory_of(path);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
    {
        error = errno_text("cannot open directory", dir);
        return false;
    }
    ok = ::fsync(dfd) == 0;
    ::close(dfd);
    if (!ok)
        error = errno_text("cannot fsync directory", dir);
    return ok;
}

std::optional<output_mark> current_output_mark()
{
    struct stat st;
    if (::fstat(1, &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    auto off = ::lseek(1, 0, SEEK_CUR);
    if (off < 0)
        return std::nullopt;
    return output_mark{
        static_cast<std::uint64_t>(st.st_dev),
        static_cast<std::uint64_t>(st.st_ino),
        static_cast<std::uint64_t>(off)};
}

std::int64_t repair_output(const checkpoint& cp, std::string& error)
{
    struct stat st;
    if (!cp.output || ::fstat(1, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (static_cast<std::uint64_t>(st.st_dev) != cp.output->device ||
        static_cast<std::uint64_t>(st.st_ino) != cp.output->inode)
        return 0; // another file: nothing of it was written by the checkpointed run
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (size <= cp.output->offset)
        return 0;
    if (::ftruncate(1, static_cast<off_t>(cp.output->offset)) != 0)
    {
        error = std::string("cannot cut stdout back to the checkpoint: ") + std::strerror(errno);
        return -1;
    }
    // Without O_APPEND the file offset still points past the cut.
    if ((::fcntl(1, F_GETFL) & O_APPEND) == 0)
        ::lseek(1, static_cast<off_t>(cp.output->offset), SEEK_SET);
    return static_cast<std::int64_t>(size - cp.output->offset);
}

} // namespace binlogstream::tool
