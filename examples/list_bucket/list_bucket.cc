// Lists an S3 bucket with credentials issued by a Latchkey connector: the program never sees
// the connector's own keys, only short-lived ones scoped to this bucket, renewed as needed.
//
//   list_bucket CONNECTOR s3://BUCKET [PREFIX]
//
// Uses the server of `latchkey login` (or LATCHKEY_URL + LATCHKEY_API_TOKEN), else the local
// store under $LATCHKEY_HOME, exactly as the latchkey CLI does.
#include <latchkey/client.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: list_bucket CONNECTOR s3://BUCKET [PREFIX]\n";
    return 2;
  }
  try {
    latchkey::Client client;
    auto bucket = client.get_service_connector_client(argv[1], "s3-bucket", argv[2]);
    for (auto const& object : bucket.list_objects(argc == 4 ? argv[3] : "")) {
      std::cout << object.size << "\t" << object.key << "\n";
    }
  } catch (latchkey::ClientError const& e) {
    std::cerr << "Error: " << e.what() << " (" << e.code() << ")\n";
    return 1;
  }
  return 0;
}
