// Signs one realistic S3 request (GET object, session token, path-style) N times and prints the
// signatures per second as JSON. bench/sigv4_vs_botocore.py runs it next to botocore.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "connectors/aws/sigv4.h"

int main(int argc, char** argv) {
  using namespace latchkey;
  long iterations = argc > 1 ? std::atol(argv[1]) : 200000;
  aws::AwsCredentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            std::string(400, 't'), std::nullopt};
  TimePoint now = *ParseTimestamp("2026-11-23 12:00:00");
  size_t checksum = 0;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) {
    HttpRequest request;
    request.method = "GET";
    request.url = "https://s3.us-east-1.amazonaws.com/example-bucket/data/part-00042.parquet";
    request.headers = {{"user-agent", "bench"}, {"range", "bytes=0-1023"}};
    if (!aws::SignRequest(request, creds, "us-east-1", "s3", now)) return 1;
    checksum += request.headers.back().second.size();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "{\"iterations\": " << iterations << ", \"seconds\": " << seconds
            << ", \"per_second\": " << iterations / seconds << ", \"checksum\": " << checksum
            << "}\n";
  return 0;
}
