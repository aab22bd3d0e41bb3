// The CLI's loader is lib/wi-gen-cli.cjs (CommonJS, which starts faster); this path still runs it.
import './wi-gen-cli.cjs';
