#include "app/vsm/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace vsm::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Parsed {
  ParseOutcome outcome;
  std::string out;
  std::string err;
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "vsm");
  std::ostringstream out;
  std::ostringstream err;
  Parsed parsed{ParseCommandLine(args, out, err), "", ""};
  parsed.out = out.str();
  parsed.err = err.str();
  return parsed;
}

TEST(ParseCommandLineTest, DefineWithEveryOption) {
  Parsed parsed = Parse({"define", "--name", "web01", "--memory", "2048", "--cpus", "4", "--disk",
                         "a.vhd", "--disk", "/b.vhdx", "--dvd", "x.iso", "--nic", "External",
                         "--nic", "Internal=00:15:5D:00:00:01", "--notes", "front end"});
  ASSERT_TRUE(parsed.outcome.invocation) << parsed.err;
  const Invocation& invocation = *parsed.outcome.invocation;
  EXPECT_EQ(invocation.command, Command::kDefine);
  EXPECT_EQ(invocation.define.name, "web01");
  EXPECT_EQ(invocation.define.memory_mb, 2048u);
  EXPECT_EQ(invocation.define.cpus, 4u);
  EXPECT_THAT(invocation.define.disks, ElementsAre("a.vhd", "/b.vhdx"));
  EXPECT_EQ(invocation.define.dvd, "x.iso");
  EXPECT_THAT(invocation.define.nics, ElementsAre("External", "Internal=00:15:5D:00:00:01"));
  EXPECT_EQ(invocation.define.notes, "front end");
  EXPECT_FALSE(invocation.global.json);
}

TEST(ParseCommandLineTest, DefineDefaultsLeaveMemoryAndCpusUnset) {
  Parsed parsed = Parse({"define", "--name", "bare"});
  ASSERT_TRUE(parsed.outcome.invocation);
  EXPECT_FALSE(parsed.outcome.invocation->define.memory_mb.has_value());
  EXPECT_FALSE(parsed.outcome.invocation->define.cpus.has_value());
  EXPECT_TRUE(parsed.outcome.invocation->define.disks.empty());
}

TEST(ParseCommandLineTest, GlobalOptionsBeforeOrAfterTheCommand) {
  Parsed before = Parse({"--socket", "/run/vsmd.sock", "--json", "list"});
  ASSERT_TRUE(before.outcome.invocation) << before.err;
  EXPECT_EQ(before.outcome.invocation->command, Command::kList);
  EXPECT_EQ(before.outcome.invocation->global.socket, "/run/vsmd.sock");
  EXPECT_TRUE(before.outcome.invocation->global.json);

  Parsed after = Parse({"show", "web01", "--json"});
  ASSERT_TRUE(after.outcome.invocation) << after.err;
  EXPECT_EQ(after.outcome.invocation->command, Command::kShow);
  EXPECT_EQ(after.outcome.invocation->target, "web01");
  EXPECT_TRUE(after.outcome.invocation->global.json);
}

TEST(ParseCommandLineTest, ExportAndImport) {
  Parsed exported = Parse({"export", "web01", "exports", "--config-only", "--no-wait"});
  ASSERT_TRUE(exported.outcome.invocation) << exported.err;
  EXPECT_EQ(exported.outcome.invocation->command, Command::kExport);
  EXPECT_EQ(exported.outcome.invocation->export_options.system, "web01");
  EXPECT_EQ(exported.outcome.invocation->export_options.directory, "exports");
  EXPECT_TRUE(exported.outcome.invocation->export_options.config_only);
  EXPECT_TRUE(exported.outcome.invocation->export_options.no_wait);

  Parsed imported = Parse({"--url", "http://u:p@h:5988", "import", "exports/web01", "--new-id"});
  ASSERT_TRUE(imported.outcome.invocation) << imported.err;
  EXPECT_EQ(imported.outcome.invocation->command, Command::kImport);
  EXPECT_EQ(imported.outcome.invocation->import_options.directory, "exports/web01");
  EXPECT_TRUE(imported.outcome.invocation->import_options.new_id);
  EXPECT_FALSE(imported.outcome.invocation->import_options.no_wait);
  EXPECT_EQ(imported.outcome.invocation->global.url, "http://u:p@h:5988");
}

TEST(ParseCommandLineTest, JobCommands) {
  struct Case {
    std::vector<std::string> args;
    Command command;
  };
  for (const Case& c : {Case{{"job", "list"}, Command::kJobList},
                        Case{{"job", "show", "j1"}, Command::kJobShow},
                        Case{{"job", "watch", "j1"}, Command::kJobWatch},
                        Case{{"job", "cancel", "j1"}, Command::kJobCancel}}) {
    Parsed parsed = Parse(c.args);
    ASSERT_TRUE(parsed.outcome.invocation) << parsed.err;
    EXPECT_EQ(parsed.outcome.invocation->command, c.command);
    if (c.command != Command::kJobList) {
      EXPECT_EQ(parsed.outcome.invocation->target, "j1");
    }
  }
}

TEST(ParseCommandLineTest, SnapshotCommands) {
  Parsed created = Parse({"snapshot", "create", "web01", "--name", "before upgrade"});
  ASSERT_TRUE(created.outcome.invocation) << created.err;
  EXPECT_EQ(created.outcome.invocation->command, Command::kSnapshotCreate);
  EXPECT_EQ(created.outcome.invocation->snapshot_create.system, "web01");
  EXPECT_EQ(created.outcome.invocation->snapshot_create.name, "before upgrade");

  Parsed unnamed = Parse({"--json", "snapshot", "create", "web01"});
  ASSERT_TRUE(unnamed.outcome.invocation) << unnamed.err;
  EXPECT_FALSE(unnamed.outcome.invocation->snapshot_create.name.has_value());
  EXPECT_TRUE(unnamed.outcome.invocation->global.json);
  // An explicit empty name is kept, so that the command refuses it rather than ignore it.
  Parsed empty = Parse({"snapshot", "create", "web01", "--name", ""});
  ASSERT_TRUE(empty.outcome.invocation) << empty.err;
  EXPECT_EQ(empty.outcome.invocation->snapshot_create.name, "");

  Parsed listed = Parse({"snapshot", "list", "web01", "--json"});
  ASSERT_TRUE(listed.outcome.invocation) << listed.err;
  EXPECT_EQ(listed.outcome.invocation->command, Command::kSnapshotList);
  EXPECT_EQ(listed.outcome.invocation->target, "web01");
  EXPECT_TRUE(listed.outcome.invocation->global.json);

  for (const auto& [verb, command] : {std::pair{"apply", Command::kSnapshotApply},
                                      std::pair{"remove", Command::kSnapshotRemove}}) {
    Parsed parsed = Parse({"snapshot", verb, "web01", "nightly"});
    ASSERT_TRUE(parsed.outcome.invocation) << parsed.err;
    EXPECT_EQ(parsed.outcome.invocation->command, command);
    EXPECT_EQ(parsed.outcome.invocation->snapshot_target.system, "web01");
    EXPECT_EQ(parsed.outcome.invocation->snapshot_target.snapshot, "nightly");
  }
}

TEST(ParseCommandLineTest, UserAdd) {
  Parsed parsed = Parse({"user", "add", "alice", "--role", "reader", "--password-stdin",
                         "--data-root", "/srv/vsm"});
  ASSERT_TRUE(parsed.outcome.invocation) << parsed.err;
  const UserAddOptions& user = parsed.outcome.invocation->user_add;
  EXPECT_EQ(parsed.outcome.invocation->command, Command::kUserAdd);
  EXPECT_EQ(user.name, "alice");
  EXPECT_EQ(user.role, "reader");
  EXPECT_TRUE(user.password_stdin);
  EXPECT_EQ(user.data_root, "/srv/vsm");
  EXPECT_EQ(Parse({"user", "add", "bob", "--role", "administrator", "--password-stdin"})
                .outcome.invocation->user_add.data_root,
            "./var");
}

TEST(ParseCommandLineTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"define"},
           {"define", "--name", "x", "--memory", "lots"},
           {"show"},
           {"export", "web01"},
           {"job"},
           {"job", "show"},
           {"snapshot"},
           {"snapshot", "create"},
           {"snapshot", "list"},
           {"snapshot", "apply", "web01"},
           {"snapshot", "remove", "web01"},
           {"snapshot", "revert", "web01", "s"},
           {"--socket", "/s", "--url", "http://u:p@h:1", "list"},
           {"user", "add", "alice", "--role", "root", "--password-stdin"},
       }) {
    Parsed parsed = Parse(args);
    EXPECT_FALSE(parsed.outcome.invocation.has_value()) << ::testing::PrintToString(args);
    EXPECT_EQ(parsed.outcome.exit_code, kExitUsage) << ::testing::PrintToString(args);
    EXPECT_FALSE(parsed.err.empty()) << ::testing::PrintToString(args);
  }
}

TEST(ParseCommandLineTest, HelpExitsZeroAndDocumentsUserAddAsLocal) {
  Parsed help = Parse({"--help"});
  EXPECT_FALSE(help.outcome.invocation.has_value());
  EXPECT_EQ(help.outcome.exit_code, kExitSuccess);
  EXPECT_THAT(help.out, HasSubstr("./var/vsmd.sock"));

  Parsed user_help = Parse({"user", "add", "--help"});
  EXPECT_EQ(user_help.outcome.exit_code, kExitSuccess);
  EXPECT_THAT(user_help.out, HasSubstr("vsm.db"));
  EXPECT_THAT(user_help.out, HasSubstr("--password-stdin"));
}

std::function<const char*(const char*)> Env(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(ResolveEndpointTest, FlagsThenEnvironmentThenDefault) {
  const std::filesystem::path cwd = "/home/ops";
  GlobalOptions none;
  EXPECT_EQ(ResolveEndpoint(none, cwd, Env({})), "/home/ops/var/vsmd.sock");
  EXPECT_EQ(ResolveEndpoint(none, cwd, Env({{"VSM_SOCKET", "run/vsmd.sock"}})),
            "/home/ops/run/vsmd.sock");
  EXPECT_EQ(ResolveEndpoint(none, cwd, Env({{"VSM_SOCKET", "/s"}, {"VSM_URL", "http://u:p@h:1"}})),
            "http://u:p@h:1");
  EXPECT_EQ(ResolveEndpoint(none, cwd, Env({{"VSM_SOCKET", ""}})), "/home/ops/var/vsmd.sock");

  GlobalOptions socket;
  socket.socket = "/run/vsmd.sock";
  EXPECT_EQ(ResolveEndpoint(socket, cwd, Env({{"VSM_URL", "http://u:p@h:1"}})), "/run/vsmd.sock");
  GlobalOptions url;
  url.url = "http://a:b@c:2";
  EXPECT_EQ(ResolveEndpoint(url, cwd, Env({{"VSM_SOCKET", "/s"}})), "http://a:b@c:2");
}

TEST(ExitCodeTest, UnreachableAndRefusedAreConnectionErrors) {
  EXPECT_EQ(ExitCodeForClientError(Error::SystemNotAvailable("connect: refused")), kExitConnection);
  EXPECT_EQ(ExitCodeForClientError(Error::AccessDenied("HTTP 401")), kExitConnection);
  EXPECT_EQ(ExitCodeForClientError(Error::InvalidParameter("CIM_ERR_NOT_FOUND (6): x")),
            kExitFailed);
}

}  // namespace
}  // namespace vsm::cli
