// Bad bytes on the wire get a clean HTTP or CIM error, never a crash: after each, vsmd answers.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sends `request` raw and returns the response (what arrives until the server closes or 2 s).
std::string SendRaw(uint16_t port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return "";
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    response.append(buffer, static_cast<size_t>(n));
    if (response.find("\r\n\r\n") != std::string::npos) {
      size_t length_at = response.find("Content-Length: ");
      size_t header_end = response.find("\r\n\r\n") + 4;
      if (length_at != std::string::npos &&
          response.size() >= header_end + std::stoul(response.substr(length_at + 16))) {
        break;
      }
    }
  }
  close(fd);
  return response;
}

std::string Post(const std::string& body, const std::string& extra_headers = "") {
  return "POST /cimom HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n"
         "Content-Type: application/xml; charset=\"utf-8\"\r\nCIMOperation: MethodCall\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class ProtocolTest : public IntegrationTest {
 protected:
  void ExpectStillServing() {
    CommandResult listed = vsmd_->Wbemcli({"ein", vsmd_->Url() + ":Msvm_VirtualSystemManagementService"});
    EXPECT_EQ(listed.exit_code, 0) << listed.output << vsmd_->log();
    EXPECT_TRUE(vsmd_->IsRunning());
  }
};

TEST_F(ProtocolTest, GarbageIsBadRequest) {
  EXPECT_THAT(SendRaw(vsmd_->port(), "\x01\x02 nonsense\r\n\r\n"), StartsWith("HTTP/1.1 400"));
  ExpectStillServing();
}

TEST_F(ProtocolTest, MalformedXmlIsRequestNotWellFormed) {
  std::string response = SendRaw(vsmd_->port(), Post("<?xml version=\"1.0\"?><CIM><MESSAGE & broken"));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(response, HasSubstr("request-not-well-formed"));
  ExpectStillServing();
}

TEST_F(ProtocolTest, UnknownIntrinsicOperationIsACleanError) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\" ?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
      "<MESSAGE ID=\"4711\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"FlyToTheMoon\">"
      "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"virtualization\"/>"
      "</LOCALNAMESPACEPATH></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>";
  std::string response = SendRaw(vsmd_->port(), Post(body));
  EXPECT_FALSE(response.empty());
  EXPECT_THAT(response, ::testing::AnyOf(HasSubstr("ERROR CODE=\"7\""), HasSubstr("HTTP/1.1 400")));
  ExpectStillServing();
}

TEST_F(ProtocolTest, OversizedBodyIsRefused) {
  std::string huge(8 * 1024 * 1024, 'x');
  std::string response = SendRaw(vsmd_->port(), Post(huge));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 413"));
  ExpectStillServing();
}

TEST_F(ProtocolTest, MissingCredentialsAre401WithChallenge) {
  std::string response = SendRaw(vsmd_->port(),
                                 "POST /cimom HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(response, HasSubstr("WWW-Authenticate: Basic"));
}

TEST_F(ProtocolTest, OtherMethodsAre501) {
  EXPECT_THAT(SendRaw(vsmd_->port(), "GET /cimom HTTP/1.1\r\nHost: x\r\n\r\n"), StartsWith("HTTP/1.1 501"));
  EXPECT_THAT(SendRaw(vsmd_->port(), "M-POST /cimom HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"),
              StartsWith("HTTP/1.1 501"));
  ExpectStillServing();
}

TEST_F(ProtocolTest, WqlQueryAndAssociationsAnswer) {
  std::string guid = DefineWithVsm("q1", MakeSampleDisks("q1"));
  CommandResult settings = vsmd_->Wbemcli(
      {"ai", "-ac", "Msvm_SettingsDefineState",
       vsmd_->Url() + ":Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" + guid + "\""});
  EXPECT_EQ(settings.exit_code, 0) << settings.output;
  EXPECT_THAT(settings.output, HasSubstr("Msvm_VirtualSystemSettingData"));
  EXPECT_THAT(settings.output, HasSubstr("q1"));
}

}  // namespace
}  // namespace vsm::testing
