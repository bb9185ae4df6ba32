// swagger-ui-dist ships no types. Only its path helper is imported from Node: the package's main
// entry would also load the 1.5 MB browser bundle into the server process.
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The directory holding swagger-ui-dist's files. */
  const getAbsoluteFSPath: () => string;
  export default getAbsoluteFSPath;
}
