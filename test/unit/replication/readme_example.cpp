// The README's first example must compile: it is samples/quick_start.cpp verbatim (built with the
// samples), and this test checks that the README's first C++ block under "## Using it" is that file.

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

const std::string source_dir = std::string(BINLOGSTREAM_TEST_DATA_DIR) + "/../..";

std::string read(const std::string& path)
{
    std::ifstream in(path);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(readme_example)

BOOST_AUTO_TEST_CASE(quick_start_block_is_the_built_sample)
{
    auto readme = read(source_dir + "/README.md");
    auto section = readme.find("\n## Using it\n");
    BOOST_REQUIRE(section != std::string::npos);
    const std::string open = "```cpp\n";
    auto begin = readme.find(open, section);
    BOOST_REQUIRE(begin != std::string::npos);
    begin += open.size();
    auto end = readme.find("```\n", begin);
    BOOST_REQUIRE(end != std::string::npos);
    BOOST_TEST(readme.substr(begin, end - begin) == read(source_dir + "/samples/quick_start.cpp"));
}

BOOST_AUTO_TEST_SUITE_END()
