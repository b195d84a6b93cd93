"""Development tools, never copied into an image: the local process supervisor behind `make run`,
the tests and the benches (`devstack`), and the generator of a keys folder (`keys`), which an
operator also runs from a checkout to fill a Kubernetes Secret."""
