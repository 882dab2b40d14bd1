# A plain web server for the tests of what seam does with answers no
# public-inbox sends: the files under $SEAM_STATIC_ROOT as they are, and
# /down/... answering 503 (a server behind a broken proxy).
use strict;
use Plack::Builder;
use Plack::App::File;
builder {
  mount '/down' => sub { [503, ['Content-Type' => 'text/plain'], ["Service Unavailable\n"]] };
  mount '/' => Plack::App::File->new(root => $ENV{SEAM_STATIC_ROOT})->to_app;
};
