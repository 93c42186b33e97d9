#include "client/http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vsm::client {
namespace {

using ::testing::HasSubstr;

TEST(HttpEndpointTest, ParsesUrlsAndSocketPaths) {
  auto url = ParseEndpoint("http://admin:s%40cret@127.0.0.1:15988/root/virtualization");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 15988);
  EXPECT_EQ(url->user, "admin");
  EXPECT_EQ(url->password, "s@cret");
  EXPECT_EQ(url->name_space, "root/virtualization");
  auto v6 = ParseEndpoint("http://u:p@[::1]:5988");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(ParseEndpoint("http://u:p@localhost")->port, 5988);
  EXPECT_EQ(ParseEndpoint("/run/vsmd.sock")->socket_path, "/run/vsmd.sock");
  EXPECT_FALSE(ParseEndpoint("http://u:p@host:port").ok());
  EXPECT_FALSE(ParseEndpoint("http://").ok());
}

TEST(HttpCimTransportTest, ConnectionFailureSaysWhatToDo) {
  HttpCimTransport transport(*ParseEndpoint("/nonexistent/vsmd.sock"));
  auto reply = transport.PostCim({}, "<CIM/>");
  ASSERT_FALSE(reply.ok());
  EXPECT_THAT(reply.error().message(), HasSubstr("unix socket '/nonexistent/vsmd.sock'"));
  EXPECT_THAT(reply.error().message(), HasSubstr("make run"));
}

}  // namespace
}  // namespace vsm::client
