import { startPage } from '../../shared/start.jsx';
import { App } from './App.jsx';

startPage(App);
