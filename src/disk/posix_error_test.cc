#include "disk/posix_error.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace vsm::disk {
namespace {

TEST(ErrorFromErrnoTest, MapsErrnoToReturnCodes) {
  EXPECT_EQ(ErrorFromErrno("open", "/x", EACCES).code(), ReturnCode::kAccessDenied);
  EXPECT_EQ(ErrorFromErrno("open", "/x", EPERM).code(), ReturnCode::kAccessDenied);
  EXPECT_EQ(ErrorFromErrno("open", "/x", EBUSY).code(), ReturnCode::kFileInUse);
  EXPECT_EQ(ErrorFromErrno("open", "/x", ETXTBSY).code(), ReturnCode::kFileInUse);
  EXPECT_EQ(ErrorFromErrno("open", "/x", ENOMEM).code(), ReturnCode::kOutOfMemory);
  EXPECT_EQ(ErrorFromErrno("open", "/x", ENOENT).code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(ErrorFromErrno("open", "/x", ENOTDIR).code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(ErrorFromErrno("open", "/x", EISDIR).code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(ErrorFromErrno("write", "/x", ENOSPC).code(), ReturnCode::kFailed);
  EXPECT_EQ(ErrorFromErrno("read", "/x", EIO).code(), ReturnCode::kFailed);
}

TEST(ErrorFromErrnoTest, MessageNamesTheActionThePathAndTheCause) {
  EXPECT_EQ(ErrorFromErrno("open", "/data/disk.vhdx", ENOENT).message(),
            "open '/data/disk.vhdx': No such file or directory");
  EXPECT_EQ(ErrorFromErrno("write", "/d/copy", ENOSPC).message(),
            "write '/d/copy': No space left on device");
}

}  // namespace
}  // namespace vsm::disk
