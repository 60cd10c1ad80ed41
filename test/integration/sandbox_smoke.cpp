// The sandbox itself is part of what the tests rely on: check that it is configured as the README
// promises (binary log on, ROW format with FULL image and metadata, CRC32, TLS, the users).
#include "common/sandbox.hpp"

#include <boost/test/unit_test.hpp>

using binlogstream::test::admin_sql;

BOOST_AUTO_TEST_SUITE(sandbox_configuration)

BOOST_AUTO_TEST_CASE(binary_log_settings)
{
    auto vars = admin_sql(
        "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata, @@binlog_checksum, "
        "@@have_ssl, @@server_id > 0"
    );
    BOOST_TEST(vars == "1\tROW\tFULL\tFULL\tCRC32\tYES\t1\n");
}

BOOST_AUTO_TEST_CASE(users_exist_with_their_plugins)
{
    const auto& s = binlogstream::test::sandbox();
    auto rows = admin_sql(
        "SELECT user, plugin FROM mysql.user WHERE user IN ('" + s.user + "','" + s.ed25519_user + "','" +
        s.tls_user + "') ORDER BY user"
    );
    BOOST_TEST(
        rows == s.ed25519_user + "\ted25519\n" + s.user + "\tmysql_native_password\n" + s.tls_user +
                    "\tmysql_native_password\n"
    );
}

BOOST_AUTO_TEST_SUITE_END()
